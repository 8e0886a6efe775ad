import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Button, ConfirmModal, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { toYaml } from '../../config/draft';
import type { ApplyView, HistoryEntry, Revision } from '../../config/useClusterConfig';
import { getTableStyles } from '../common/styles';
import { testIds } from '../testIds';
import { DiffView } from './DiffView';

export interface HistoryProps {
  history: () => Promise<HistoryEntry[]>;
  fetchRevision: (revision: number) => Promise<Revision>;
  rollback: (revision: number) => Promise<ApplyView>;
  canRollback: boolean;
  running: number | null;
  onRolledBack: (result: ApplyView) => void;
}

/** Kept revisions, newest first; any of them diffed against the one before; rollback for Admins. */
export function HistoryTab(p: HistoryProps) {
  const s = useStyles2(getTableStyles);
  const [list, setList] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<{ revision: number; before: string; after: string } | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const { history, fetchRevision } = p;

  const reload = useCallback(() => {
    history()
      .then((h) => setList([...h].sort((a, b) => b.revision - a.revision)))
      .catch((e: Error) => setError(e.message));
  }, [history]);
  useEffect(reload, [reload, p.running]);

  const show = async (revision: number) => {
    setError(null);
    try {
      const older = list?.find((x) => x.revision < revision)?.revision;
      const [after, before] = await Promise.all([
        fetchRevision(revision),
        older === undefined ? Promise.resolve(null) : fetchRevision(older),
      ]);
      setShown({ revision, before: before ? toYaml(before.config) : '', after: toYaml(after.config) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (!list) {
    return error ? (
      <Alert title="Cannot read the history">{error}</Alert>
    ) : (
      <LoadingPlaceholder text="Reading the history" />
    );
  }
  return (
    <Stack direction="column" gap={2}>
      {error && <Alert title="Cannot read that revision">{error}</Alert>}
      <table className={s.table} data-testid={testIds.configEditor.history}>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">Applied</th>
            <th scope="col">Source</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.map((h) => (
            <tr
              key={h.revision}
              data-testid={testIds.configEditor.historyRow(h.revision)}
              aria-selected={shown?.revision === h.revision}
            >
              <td>
                {h.revision}
                {h.revision === p.running && ' (running)'}
              </td>
              <td>{new Date(h.appliedAt).toLocaleString()}</td>
              <td>{h.source}</td>
              <td>
                <Stack direction="row" gap={1}>
                  <Button size="sm" variant="secondary" onClick={() => show(h.revision)}>
                    Changes
                  </Button>
                  {p.canRollback && h.revision !== p.running && (
                    <Button
                      size="sm"
                      variant="destructive"
                      onClick={() => setConfirm(h.revision)}
                      data-testid={testIds.configEditor.rollback(h.revision)}
                    >
                      Roll back to this
                    </Button>
                  )}
                </Stack>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && (
        <div>
          <h4>Revision {shown.revision} against the one before</h4>
          <DiffView before={shown.before} after={shown.after} testId={testIds.configEditor.historyDiff} />
        </div>
      )}
      {confirm !== null && (
        <ConfirmModal
          isOpen
          title={`Roll back to revision ${confirm}?`}
          body={
            <p data-testid={testIds.confirm.impact}>
              Applies the configuration of revision {confirm} again as a new revision, on every reachable agent or on
              none.
            </p>
          }
          confirmText="Roll back"
          onConfirm={async () => {
            const r = await p.rollback(confirm);
            setConfirm(null);
            p.onRolledBack(r);
            reload();
          }}
          onDismiss={() => setConfirm(null)}
        />
      )}
    </Stack>
  );
}
