import React, { useMemo } from 'react';
import { Alert } from '@grafana/ui';
import { toYaml, type DraftData } from '../../config/draft';
import { testIds } from '../testIds';
import { DiffView } from './DiffView';

/**
 * The draft against the running revision, both in canonical YAML (defaults filled in,
 * stable order), so only real changes show. Printed and diffed only while this tab is open.
 */
export function ChangesTab({
  running,
  proposed,
  revision,
}: {
  running: DraftData;
  proposed: DraftData | null;
  revision: number;
}) {
  const before = useMemo(() => toYaml(running), [running]);
  const after = useMemo(() => (proposed ? toYaml(proposed) : null), [proposed]);
  if (after === null) {
    return (
      <Alert severity="info" title="No diff yet">
        The draft has problems: the diff against revision {revision} shows once it is valid.
      </Alert>
    );
  }
  return (
    <div>
      <h4>Changes against revision {revision}</h4>
      <DiffView before={before} after={after} testId={testIds.configEditor.diff} />
    </div>
  );
}
