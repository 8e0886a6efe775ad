import React from 'react';
import { LinkButton, Stack } from '@grafana/ui';
import { DASHBOARDS } from '../../constants';
import { testIds } from '../testIds';

/** The bundled dashboards (metrics over time, from Prometheus). */
export function DashboardLinks({ server }: { server?: string }) {
  return (
    <div data-testid={testIds.overview.dashboards}>
      <Stack direction="row" gap={1}>
        {DASHBOARDS.map((d) => (
          <LinkButton
            key={d.uid}
            variant="secondary"
            size="sm"
            icon="apps"
            href={`/d/${d.uid}${server ? `?var-server=${encodeURIComponent(server)}` : ''}`}
          >
            {d.title}
          </LinkButton>
        ))}
      </Stack>
    </div>
  );
}
