import React from 'react';
import { Alert } from '@grafana/ui';
import type { AgentApplyReport, ConfigChange } from '../../../backend/api/answers';
import type { ApplyView } from '../../config/useClusterConfig';
import { testIds } from '../testIds';

function Changes({ title, list }: { title: string; list: ConfigChange[] }) {
  if (list.length === 0) {
    return null;
  }
  return (
    <div>
      {title}:{' '}
      {list.map((c, i) => (
        <span key={i}>
          {i > 0 && '; '}
          <code>{c.path}</code> {c.summary}
        </span>
      ))}
    </div>
  );
}

function AgentReport({ r }: { r: AgentApplyReport }) {
  const nothing = r.applied.length + r.atNextStart.length + r.restartRequired.length === 0;
  return (
    <li data-testid={testIds.configEditor.agentReport(r.server)} data-restart={r.restartRequired.length > 0}>
      <strong>{r.server}</strong> (revision {r.revision}){nothing && ': nothing to change'}
      <Changes title="applied" list={r.applied} />
      <Changes title="at the group's next start" list={r.atNextStart} />
      <Changes title="restart required" list={r.restartRequired} />
    </li>
  );
}

/** The outcome of an apply or rollback, with what each agent did when the agents say it. */
export function ApplyResult({ result, onRemove }: { result: ApplyView; onRemove: () => void }) {
  return (
    <div data-testid={testIds.configEditor.applyResult} data-kind={result.kind}>
      {result.kind === 'done' ? (
        <Alert
          severity={result.agents?.some((a) => a.restartRequired.length > 0) ? 'warning' : 'success'}
          title={`Revision ${result.revision} applied${result.rolledBack ? ` (the configuration of revision ${result.rolledBack})` : ''}`}
          onRemove={onRemove}
        >
          {result.committed.length > 0 && <div>Committed on {result.committed.join(', ')}.</div>}
          {result.unreachable.length > 0 && (
            <div>Not reachable (they take it when back): {result.unreachable.join(', ')}.</div>
          )}
          {result.agents ? (
            <>
              <ul>
                {result.agents.map((a) => (
                  <AgentReport key={a.server} r={a} />
                ))}
              </ul>
              {result.agents.some((a) => a.restartRequired.length > 0) && (
                <div data-testid={testIds.configEditor.restartHint}>
                  Changes marked &quot;restart required&quot; keep their old value until each agent restarts: run{' '}
                  <code>lifeline cluster restart</code>, which restarts the agents one at a time and waits for each to
                  be back.
                </div>
              )}
            </>
          ) : (
            <div>
              The agents did not report how they applied it; each server&apos;s status shows its running revision.
            </div>
          )}
        </Alert>
      ) : (
        <Alert severity="error" title="Not applied" onRemove={onRemove}>
          {result.message}
          {result.kind === 'refused' && result.problems && (
            <ul>
              {result.problems.map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
    </div>
  );
}
