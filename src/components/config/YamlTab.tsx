import React, { useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, TextArea, useStyles2 } from '@grafana/ui';
import { formatPath } from '../../../backend/config/model';
import { lineOf, yamlLines } from '../../config/yamlLines';
import { testIds } from '../testIds';
import { useDraftContext } from './fields';

/** The draft as YAML; each problem names its line, and a click on it selects that line. */
export function YamlTab() {
  const s = useStyles2(getStyles);
  const { draft, readOnly, problems } = useDraftContext();
  const area = useRef<HTMLTextAreaElement>(null);
  const text = draft.yaml();
  const located = useMemo(() => {
    const lines = yamlLines(text);
    return problems.problems.map((p) => ({ ...p, line: syntaxLine(p.message) ?? lineOf(lines, p.path) }));
  }, [text, problems]);

  const select = (line: number | undefined) => {
    const el = area.current;
    if (!el || line === undefined) {
      return;
    }
    const starts = text
      .split('\n')
      .slice(0, line - 1)
      .reduce((n, l) => n + l.length + 1, 0);
    const end = text.indexOf('\n', starts);
    el.focus();
    el.setSelectionRange(starts, end < 0 ? text.length : end);
  };

  return (
    <div>
      {located.length > 0 && (
        <Alert severity="error" title={`${located.length} problem${located.length === 1 ? '' : 's'}`}>
          <ul data-testid={testIds.configEditor.problems} className={s.list}>
            {located.map((p, i) => (
              <li key={i} data-testid={testIds.configEditor.yamlProblem(i)} data-line={p.line ?? ''}>
                <button type="button" className={s.link} onClick={() => select(p.line)}>
                  {p.line !== undefined ? `line ${p.line}` : 'top'}
                </button>{' '}
                <code>{formatPath(p.path)}</code>: {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      <TextArea
        ref={area}
        className={s.editor}
        rows={30}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        aria-label="Cluster configuration (YAML)"
        data-testid={testIds.configEditor.text}
        onChange={(e) => draft.setText(e.currentTarget.value)}
      />
    </div>
  );
}

/** A syntax error says its line itself ("syntax error at line 4, column 3: ..."). */
function syntaxLine(message: string): number | undefined {
  const m = /^syntax error at line (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  link: css({ background: 'none', border: 'none', padding: 0, color: theme.colors.text.link, cursor: 'pointer' }),
});
