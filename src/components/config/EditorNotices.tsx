import React from 'react';
import { Alert, Button } from '@grafana/ui';
import type { ApplyView } from '../../config/useClusterConfig';
import { testIds } from '../testIds';
import { ApplyResult } from './ApplyResult';

export type RebaseNotice =
  { kind: 'rebased'; revision: number; mine: string[] } | { kind: 'conflicts'; revision: number; paths: string[] };

/** The outcome of the last apply (a 409 with its rebase action) and of the last rebase. */
export function EditorNotices(p: {
  result: ApplyView | null;
  notice: RebaseNotice | null;
  onRebase: () => void;
  onClearResult: () => void;
  onClearNotice: () => void;
}) {
  const { result, notice } = p;
  return (
    <>
      {result && result.kind !== 'conflict' && <ApplyResult result={result} onRemove={p.onClearResult} />}
      {result?.kind === 'conflict' && (
        <div data-testid={testIds.configEditor.applyResult} data-kind="conflict">
          <Alert severity="warning" title="Not applied: someone changed the configuration" onRemove={p.onClearResult}>
            <div data-testid={testIds.configEditor.conflict}>
              {result.message}. Rebase reads the current revision and re-applies your edits on top of it when they touch
              other settings; you review the changes and apply again.{' '}
              <Button size="sm" onClick={p.onRebase} data-testid={testIds.configEditor.rebase}>
                Rebase my edits
              </Button>
            </div>
          </Alert>
        </div>
      )}
      {notice && (
        <div data-testid={testIds.configEditor.rebaseNotice} data-kind={notice.kind}>
          {notice.kind === 'rebased' ? (
            <Alert severity="info" title={`Rebased on revision ${notice.revision}`} onRemove={p.onClearNotice}>
              Your edits were re-applied: {notice.mine.join(', ') || 'none'}. Review the changes and apply.
            </Alert>
          ) : (
            <Alert
              severity="error"
              title={`Revision ${notice.revision} changed what you edited`}
              onRemove={p.onClearNotice}
            >
              Both changed: {notice.paths.join(', ')}. Your draft stays on the older revision (applying it is refused).
              Reload to start from revision {notice.revision} (your edits are dropped), or set these back and rebase
              again.
            </Alert>
          )}
        </div>
      )}
    </>
  );
}
