import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, ConfirmModal, Field, Stack, TextArea, useStyles2 } from '@grafana/ui';
import { useConfigValidation } from '../config/useConfigValidation';
import { useClusterConfig, type ApplyView } from '../config/useClusterConfig';
import { currentAbilities } from '../api/roles';
import { testIds } from '../components/testIds';

/**
 * The configuration editor: validated as you type with the agents' own schema; loads the
 * cluster's current revision, and for Admins applies the edit on every reachable agent or none.
 */
function ConfigEditorPage() {
  const s = useStyles2(getStyles);
  const [text, setText] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<ApplyView | null>(null);
  const view = useConfigValidation(text);
  const cluster = useClusterConfig();
  const can = currentAbilities();

  const load = async () => {
    setLoadError(null);
    try {
      setText(await cluster.load());
      setResult(null);
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div data-testid={testIds.configEditor.page}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" gap={1} alignItems="center">
          <Button variant="secondary" icon="download-alt" onClick={load} data-testid={testIds.configEditor.load}>
            Load the cluster&apos;s configuration
          </Button>
          {can.administer && (
            <Button
              icon="upload"
              disabled={!view.valid || cluster.base === null}
              tooltip={
                cluster.base === null
                  ? 'Load the current configuration first: the change applies on top of it'
                  : undefined
              }
              onClick={() => setConfirming(true)}
              data-testid={testIds.configEditor.apply}
            >
              Apply to the cluster
            </Button>
          )}
          {cluster.base !== null && <span>Editing on top of revision {cluster.base}</span>}
        </Stack>
        {loadError && (
          <Alert severity="error" title="Cannot load the configuration">
            {loadError}
          </Alert>
        )}
        {result && (
          <div data-testid={testIds.configEditor.applyResult} data-kind={result.kind}>
            {result.kind === 'done' ? (
              <Alert severity="success" title={`Revision ${result.revision} applied`} onRemove={() => setResult(null)}>
                {result.committed.length > 0 && `Committed on ${result.committed.join(', ')}.`}
                {result.unreachable.length > 0 &&
                  ` Not reachable (they catch up when back): ${result.unreachable.join(', ')}.`}
              </Alert>
            ) : (
              <Alert severity="error" title="Not applied" onRemove={() => setResult(null)}>
                {result.message}
                {result.problems && (
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
        )}
        <Field
          label="Cluster configuration (YAML or JSON)"
          description="Validated as you type with the same schema the agents use; problems are listed with their path."
        >
          <TextArea
            data-testid={testIds.configEditor.text}
            className={s.editor}
            rows={24}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            spellCheck={false}
          />
        </Field>
        {view.problems.length > 0 && (
          <Alert title={`${view.problems.length} problem${view.problems.length === 1 ? '' : 's'}`} severity="error">
            <ul data-testid={testIds.configEditor.problems}>
              {view.problems.map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
            </ul>
          </Alert>
        )}
        {view.valid && (
          <Alert title="Valid configuration" severity="success">
            <pre data-testid={testIds.configEditor.canonical} className={s.canonical}>
              {view.canonical}
            </pre>
          </Alert>
        )}
      </Stack>
      {confirming && (
        <ConfirmModal
          isOpen
          title="Apply this configuration?"
          body={
            <p data-testid={testIds.confirm.impact}>
              Validates it, then stores it as revision {(cluster.base ?? 0) + 1} on every reachable agent or on none. If
              someone changed the configuration since revision {cluster.base}, nothing is applied. Heartbeat timing,
              topology, BMC checks, trap intake and monitors change only when each agent restarts.
            </p>
          }
          confirmText="Apply"
          onConfirm={async () => {
            setResult(await cluster.apply(text));
            setConfirming(false);
          }}
          onDismiss={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

export default ConfigEditorPage;

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  canonical: css({ maxHeight: 400, overflow: 'auto' }),
});
