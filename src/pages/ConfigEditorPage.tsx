import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Field, Stack, TextArea, useStyles2 } from '@grafana/ui';
import { useConfigValidation } from '../config/useConfigValidation';
import { testIds } from '../components/testIds';

function ConfigEditorPage() {
  const s = useStyles2(getStyles);
  const [text, setText] = useState('');
  const view = useConfigValidation(text);

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
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
    </PluginPage>
  );
}

export default ConfigEditorPage;

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  canonical: css({ maxHeight: 400, overflow: 'auto' }),
});
