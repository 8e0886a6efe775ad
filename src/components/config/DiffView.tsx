import React, { useMemo } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { diffLines } from 'diff';

const CONTEXT = 3;

type Line = { kind: '+' | '-' | ' ' | '…'; text: string };

/** Changed lines with three lines of context around each change; the rest folded. */
export function diffRows(before: string, after: string): Line[] {
  const all: Line[] = diffLines(before, after).flatMap((part) =>
    part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text) => ({ kind: part.added ? '+' : part.removed ? '-' : ' ', text }) as Line)
  );
  const near = all.map((_, i) => all.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((l) => l.kind !== ' '));
  const out: Line[] = [];
  all.forEach((l, i) => {
    if (near[i]) {
      out.push(l);
    } else if (out.length === 0 || out[out.length - 1].kind !== '…') {
      out.push({ kind: '…', text: '' });
    }
  });
  return out;
}

/** A line diff of two canonical YAML texts. */
export function DiffView({ before, after, testId }: { before: string; after: string; testId: string }) {
  const s = useStyles2(getStyles);
  const rows = useMemo(() => diffRows(before, after), [before, after]);
  const changes = rows.filter((r) => r.kind === '+' || r.kind === '-').length;
  if (changes === 0) {
    return (
      <p data-testid={testId} data-changes={0}>
        No changes.
      </p>
    );
  }
  return (
    <pre className={s.pre} data-testid={testId} data-changes={changes}>
      {rows.map((r, i) => (
        <div key={i} className={cx(r.kind === '+' && s.add, r.kind === '-' && s.del, r.kind === '…' && s.fold)}>
          {r.kind === '…' ? '…' : `${r.kind} ${r.text}`}
        </div>
      ))}
    </pre>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  pre: css({ maxHeight: 480, overflow: 'auto', fontFamily: theme.typography.fontFamilyMonospace }),
  add: css({ background: theme.colors.success.transparent, color: theme.colors.success.text }),
  del: css({ background: theme.colors.error.transparent, color: theme.colors.error.text }),
  fold: css({ color: theme.colors.text.secondary }),
});
