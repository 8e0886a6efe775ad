import React from 'react';
import { Alert, useStyles2 } from '@grafana/ui';
import { getTableStyles } from '../common/styles';
import type { GroupViewAnswer, OperationAnswer } from '../../../backend/api/answers';
import type { Mutation } from '../../api/client';
import { testIds } from '../testIds';

export interface OutcomeView {
  title: string;
  result: Mutation<OperationAnswer, GroupViewAnswer>;
}

/** The answer to an operation: done (with its steps), in progress, refused, or lost (with the state read again). */
export function OperationOutcome({ outcome, onClose }: { outcome: OutcomeView; onClose: () => void }) {
  const s = useStyles2(getTableStyles);
  const r = outcome.result;
  let severity: 'success' | 'info' | 'warning' | 'error' = 'success';
  let body: React.ReactNode;
  if (r.kind === 'done') {
    if (r.data.done) {
      severity = r.data.ok ? 'success' : 'error';
      body = (
        <>
          <p>
            {r.data.ok ? 'Done' : 'Failed'}: {r.data.detail}
            {r.data.server ? `; now on ${r.data.server}` : ''}.
          </p>
          <ol className={s.list}>
            {r.data.steps.map((s, i) => (
              <li key={i}>
                {s.action} on {s.server}: {s.ok ? 'ok' : 'FAILED'} ({s.detail})
              </li>
            ))}
          </ol>
        </>
      );
    } else {
      severity = 'info';
      body = <p>Still in progress: {r.data.detail}. The group&apos;s state shows its progress.</p>;
    }
  } else if (r.kind === 'refused') {
    severity = 'error';
    body = <p>Refused: {r.error.message}</p>;
  } else {
    severity = 'warning';
    body = (
      <>
        <p>{r.error.message}.</p>
        <p>
          {r.state
            ? `Read again: ${r.state.name} is ${r.state.state}${r.state.currentServer ? ` on ${r.state.currentServer}` : ''}${r.state.operation ? `, ${r.state.operation} in progress` : ''}.`
            : `The state could not be read again${r.stateError ? ` (${r.stateError.message})` : ''}.`}{' '}
          Check it before you try again.
        </p>
      </>
    );
  }
  return (
    <div data-testid={testIds.group.outcome} data-kind={r.kind}>
      <Alert severity={severity} title={outcome.title} onRemove={onClose}>
        {body}
      </Alert>
    </div>
  );
}
