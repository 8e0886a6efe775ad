import React from 'react';
import { Alert, Stack, useStyles2 } from '@grafana/ui';
import type { ClusterStatusAnswer } from '../../../backend/api/answers';
import { shortHash } from '../../model/format';
import { getTableStyles } from '../common/styles';
import { testIds } from '../testIds';

/** Cluster name, configuration revision (and whether a restart is needed), conflicts. */
export function ClusterHeader({ status }: { status: ClusterStatusAnswer }) {
  const s = useStyles2(getTableStyles);
  const c = status.config;
  return (
    <div className={s.section}>
      <Stack direction="row" gap={3} wrap="wrap" alignItems="baseline">
        <h2 data-testid={testIds.overview.cluster}>Cluster {status.cluster}</h2>
        <span data-testid={testIds.overview.revision} data-revision={c.revision}>
          Configuration revision {c.revision} <span className={s.mono}>({shortHash(c.hash)})</span>
          {c.restartRequired && c.runningRevision !== c.revision && (
            <span className={s.muted}>; agents run revision {c.runningRevision} until restarted</span>
          )}
          {(c.restartChanges ?? []).length > 0 && (
            <span className={s.muted} data-testid={testIds.overview.restartChanges}>
              ; waiting for a restart of this agent (lifeline cluster restart):{' '}
              {c.restartChanges!.map((x) => x.summary).join('; ')}
            </span>
          )}
        </span>
        <span className={s.muted}>
          Heartbeat every {status.heartbeat.intervalMs} ms, down after {status.heartbeat.timeoutMs} ms
          {!status.heartbeat.running && ' — heartbeats are not running on this agent'}
        </span>
      </Stack>
      {c.conflicts.length > 0 && (
        <div data-testid={testIds.overview.conflicts}>
          <Alert severity="error" title={`Configuration conflict${c.conflicts.length > 1 ? 's' : ''}`}>
            {c.conflicts.map((k) => (
              <div key={k.revision}>
                Revision {k.revision} is announced with different contents:{' '}
                {Object.entries(k.hashes)
                  .map(([server, hash]) => `${server} ${shortHash(hash)}`)
                  .join(', ')}
                . Apply a new revision to resolve it.
              </div>
            ))}
          </Alert>
        </div>
      )}
      {status.heartbeat.error && (
        <Alert severity="warning" title="Heartbeats">
          {status.heartbeat.error}
        </Alert>
      )}
    </div>
  );
}
