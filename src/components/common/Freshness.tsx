import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import { useLive, usePool, useResource } from '../../api/context';
import { resources } from '../../api/resources';
import { agentLabel } from '../../api/urls';
import { clock, duration } from '../../model/format';
import { testIds } from '../testIds';
import { useNow } from './useNow';

/** Older than this, what the page shows is marked stale (amber). */
export const STALE_MS = 5000;

/**
 * Where the page's view comes from: "seen from server1 at 12:48:30" (the agent that answered,
 * and when it last did), through which agent,
 * and how live it is. Stale (no fresh answer for STALE_MS, or the last read failed) in amber.
 */
export function Freshness() {
  const s = useStyles2(getStyles);
  const status = useResource((api) => resources.status(api.client, api.cache));
  const pool = usePool();
  const live = useLive();
  const now = useNow(1000);
  const age = status.fetchedAt === undefined ? null : now - status.fetchedAt;
  const stale = status.data !== undefined && ((age !== null && age > STALE_MS) || status.error !== undefined);
  const inUse = pool.current;

  return (
    <div className={s.bar} role="status" aria-live="polite">
      {status.data ? (
        // The time of the last answer, not the status's own `at`: a 304 (unchanged since the
        // ETag) confirms the view now, while `at` stays that of the last change.
        <span data-testid={testIds.freshness.seenFrom} data-server={status.data.self} data-at={status.fetchedAt}>
          Seen from <strong>{status.data.self}</strong> at {clock(status.fetchedAt)}
        </span>
      ) : (
        <span data-testid={testIds.freshness.seenFrom}>No answer yet</span>
      )}
      {stale && (
        <span className={s.stale} data-testid={testIds.freshness.stale}>
          <Icon name="exclamation-triangle" /> stale: last answer {age === null ? '—' : duration(age)} ago
          {status.error ? ` (${status.error.message})` : ''}
        </span>
      )}
      <span className={s.muted} data-testid={testIds.freshness.agentInUse} data-agent={inUse ?? ''}>
        {inUse === null
          ? 'no agent answered yet'
          : `through agent ${inUse + 1} (${agentLabel(pool.urls[inUse] ?? '')})`}
        {Object.keys(pool.deadUntil).length > 0 &&
          `; not answering: ${Object.keys(pool.deadUntil)
            .map((i) => `agent ${Number(i) + 1}`)
            .join(', ')}`}
      </span>
      <span className={s.muted} data-testid={testIds.freshness.live} data-mode={live.mode}>
        {live.mode === 'stream'
          ? 'live'
          : live.mode === 'connecting'
            ? 'connecting…'
            : live.mode === 'polling'
              ? 'polling'
              : ''}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    padding: theme.spacing(1, 0),
    marginBottom: theme.spacing(2),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  stale: css({ color: theme.colors.warning.text, fontWeight: theme.typography.fontWeightMedium }),
  muted: css({ color: theme.colors.text.secondary }),
});
