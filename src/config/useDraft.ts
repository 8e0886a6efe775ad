import { useCallback, useEffect, useMemo, useState } from 'react';
import { canonicalObject, parseText, validateConfig, type PathPart, type Problem } from '../../backend/config/model';
import { moveItem, ProblemIndex, renameServer, setIn, toYaml, type DraftData } from './draft';

/** Validation waits for a pause in typing: a maximum configuration takes tens of ms to check. */
export const VALIDATE_DELAY_MS = 300;

export interface DraftState {
  /** The object the forms show: the last text that parsed, or the forms' own edits. */
  data: DraftData | null;
  /** The YAML text; `null` when the forms changed `data` since (it is printed from `data` on demand). */
  text: string | null;
  /** Bumped on every edit, so a late validation of an older draft is dropped. */
  version: number;
  /** `data` is what `text` says (false between a YAML edit and its parse). */
  synced: boolean;
}

export interface Checked {
  version: number;
  /** The text did not parse: the forms show the last good data, read-only. */
  syntax: Problem | null;
  problems: ProblemIndex;
  valid: boolean;
  /** The canonical object of a valid draft (what apply sends, what the diff shows). */
  canonical: DraftData | null;
}

const EMPTY: Checked = { version: -1, syntax: null, problems: new ProblemIndex([]), valid: false, canonical: null };

/**
 * The one draft behind the forms and the YAML view. A form edit changes the object (the
 * YAML is printed from it when shown); a YAML edit changes the text, which is parsed into the
 * object after a pause. Both are validated with the agents' schema off the typing path.
 */
export function useDraft() {
  const [state, setState] = useState<DraftState>({ data: null, text: null, version: 0, synced: true });
  const [checked, setChecked] = useState<Checked>(EMPTY);

  const edit = useCallback((f: (d: DraftData) => DraftData) => {
    setState((s) => {
      // A form edit right after typing in the YAML builds on the typed text, not on older data.
      const parsed = s.synced || s.text === null ? null : parseText(s.text);
      const data = parsed ? (parsed.ok ? (parsed.data as DraftData) : null) : s.data;
      return data ? { data: f(data), text: null, version: s.version + 1, synced: true } : s;
    });
  }, []);
  const actions = useMemo(
    () => ({
      set: (path: readonly PathPart[], value: unknown) => edit((d) => setIn(d, path, value)),
      move: (path: readonly PathPart[], from: number, to: number) => edit((d) => moveItem(d, path, from, to)),
      renameServer: (index: number, name: string) => edit((d) => renameServer(d, index, name)),
      setText: (text: string) => setState((s) => ({ ...s, text, version: s.version + 1, synced: false })),
      /** A new starting point (load, rebase): the forms and the YAML show `data`. */
      reset: (data: DraftData, text?: string) =>
        setState((s) => ({ data, text: text ?? toYaml(data), version: s.version + 1, synced: true })),
    }),
    [edit]
  );

  useEffect(() => {
    // Runs for each new version; `state` here is that version's.
    const s = state;
    const timer = setTimeout(() => {
      if (!s.data && s.text === null) {
        return;
      }
      let data = s.data;
      if (s.text !== null && !s.synced) {
        const parsed = parseText(s.text);
        if (!parsed.ok) {
          setChecked({
            version: s.version,
            syntax: parsed.problems[0],
            problems: new ProblemIndex(parsed.problems),
            valid: false,
            canonical: null,
          });
          return;
        }
        const typed = parsed.data as DraftData;
        data = typed;
        // The parsed text becomes the forms' object; the text stays as typed (comments, order).
        setState((now) => (now.version === s.version ? { ...now, data: typed, synced: true } : now));
      }
      const v = validateConfig(data);
      setChecked({
        version: s.version,
        syntax: null,
        problems: new ProblemIndex(v.ok ? [] : v.problems),
        valid: v.ok,
        canonical: v.ok ? (canonicalObject(v.config) as DraftData) : null,
      });
    }, VALIDATE_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.version]);

  // Printing a maximum configuration takes ~100 ms: only when the YAML view asks, once per change.
  const yaml = useMemo(() => {
    let printed: string | undefined;
    return () => (printed ??= state.text ?? (state.data ? toYaml(state.data) : ''));
  }, [state.text, state.data]);
  return { ...state, yaml, checked, pending: checked.version !== state.version, ...actions };
}

export type Draft = ReturnType<typeof useDraft>;
