/**
 * The editor's draft: one configuration object (as written, maybe invalid) that the forms
 * and the YAML view both edit. Pure functions only, so the jest tests drive them directly.
 * Paths are the validation problems' paths (`['monitors', 2, 'perServer', 'server1', 'keyword']`),
 * so a problem lands on the field that edits its value.
 */
import { dump } from 'js-yaml';
import { canonicalObject, formatPath, validateConfig, type PathPart, type Problem } from '../../backend/config/model';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type DraftData = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function getIn(data: unknown, path: readonly PathPart[]): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') {
      return undefined;
    }
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/**
 * A copy of `data` with `value` at `path` (missing containers are created: a list for a
 * number key, a mapping otherwise); `undefined` removes the key, so "left empty" means
 * "use the default" as in the YAML.
 */
export function setIn<T>(data: T, path: readonly PathPart[], value: unknown): T {
  if (path.length === 0) {
    return value as T;
  }
  const [head, ...rest] = path;
  const base: unknown = data ?? (typeof head === 'number' ? [] : {});
  const child = setIn((base as Record<string | number, unknown>)[head], rest, value);
  if (Array.isArray(base)) {
    const copy = base.slice();
    if (child === undefined && rest.length === 0) {
      copy.splice(head as number, 1);
    } else {
      copy[head as number] = child;
    }
    return copy as T;
  }
  const copy = { ...(base as Record<string, unknown>) };
  if (child === undefined) {
    delete copy[head as string];
  } else {
    copy[head as string] = child;
  }
  return copy as T;
}

/** Moves item `from` of the list at `path` to `to` (priority order of servers, interconnects). */
export function moveItem(data: DraftData, path: readonly PathPart[], from: number, to: number): DraftData {
  const list = getIn(data, path);
  if (!Array.isArray(list) || to < 0 || to >= list.length) {
    return data;
  }
  const copy = list.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return setIn(data, path, copy);
}

/**
 * Renames a server everywhere its name is a key or a reference (interconnect addresses,
 * per-server keywords, startup servers, monitor servers), so the table's columns follow the
 * name field as it is typed. A name that another server already has only renames the server.
 */
export function renameServer(data: DraftData, index: number, name: string): DraftData {
  const old = getIn(data, ['servers', index, 'name']);
  let next = setIn(data, ['servers', index, 'name'], name);
  const names = ((getIn(data, ['servers']) as unknown[]) ?? []).map((s) => getIn(s, ['name']));
  if (typeof old !== 'string' || old === '' || names.includes(name)) {
    return next;
  }
  const renameKey = (map: unknown) => {
    if (!isObject(map) || !(old in map)) {
      return map;
    }
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k === old ? name : k, v]));
  };
  const renameIn = (list: unknown) => (Array.isArray(list) ? list.map((n) => (n === old ? name : n)) : list);
  const each = (key: string, f: (item: Record<string, unknown>) => Record<string, unknown>) => {
    const list = getIn(next, [key]);
    if (Array.isArray(list)) {
      next = setIn(
        next,
        [key],
        list.map((x) => (isObject(x) ? f(x) : x))
      );
    }
  };
  each('interconnects', (ic) => ({ ...ic, addresses: renameKey(ic.addresses) }));
  each('groups', (g) => (g.startupServers ? { ...g, startupServers: renameIn(g.startupServers) } : g));
  each('monitors', (m) => ({
    ...m,
    ...(m.perServer ? { perServer: renameKey(m.perServer) } : {}),
    ...(m.servers ? { servers: renameIn(m.servers) } : {}),
  }));
  return next;
}

const MONITOR_COMMON = ['name', 'intervalMs', 'timeoutMs', 'retries', 'initialWaitMs', 'timing', 'servers', 'recovery'];
const NEW_FIELDS: Record<string, Record<string, unknown>> = {
  exec: { start: '', stop: '' },
  'floating-ip': { address: '', interface: '' },
  'user-mode': {},
  'message-receive': { category: '' },
};

/**
 * A resource or monitor of another type: the fields both types have are kept, the old type's
 * own are dropped (the schema refuses unknown fields) and the new type's required ones added empty.
 */
export function retype(item: unknown, kind: 'resource' | 'monitor', type: string): Record<string, unknown> {
  const old = isObject(item) ? item : {};
  const keep = kind === 'monitor' ? MONITOR_COMMON : ['name', 'dependsOn'];
  const kept = Object.fromEntries(Object.entries(old).filter(([k]) => keep.includes(k)));
  return { ...kept, type, ...(NEW_FIELDS[type] ?? {}) };
}

/** YAML the way the agents print it: no line folding, no anchors. */
export function toYaml(data: unknown): string {
  return dump(data, { lineWidth: -1, noRefs: true });
}

/** The canonical object of a valid draft (defaults filled in), else the draft as written. */
export function canonicalOf(data: unknown): { ok: boolean; value: unknown } {
  const v = validateConfig(data);
  return v.ok ? { ok: true, value: canonicalObject(v.config) } : { ok: false, value: data };
}

/**
 * Paths where `a` and `b` differ, as deep as both sides are mappings or lists of the same
 * length (a list that grew or shrank is one change: its items' indexes moved).
 */
export function changedPaths(a: unknown, b: unknown, at: PathPart[] = []): PathPart[][] {
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], [...at, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => changedPaths(x, b[i], [...at, i]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

const overlaps = (p: PathPart[], q: PathPart[]) => {
  const n = Math.min(p.length, q.length);
  return p.slice(0, n).every((x, i) => x === q[i]);
};

export type Rebase = { ok: true; data: DraftData; mine: string[] } | { ok: false; conflicts: string[] };

/**
 * The user's edits (`base` -> `mine`) replayed on the revision someone else applied
 * (`base` -> `theirs`), when no edit touches a path the other change touched (or one inside
 * or around it); otherwise the paths both changed, for the user to decide.
 */
export function rebase(base: unknown, mine: unknown, theirs: unknown): Rebase {
  const ours = changedPaths(base, mine);
  const other = changedPaths(base, theirs);
  const conflicts = ours.filter((p) => other.some((q) => overlaps(p, q)));
  if (conflicts.length > 0) {
    return { ok: false, conflicts: conflicts.map(formatPath) };
  }
  let data = theirs as DraftData;
  for (const p of ours) {
    data = setIn(data, p, getIn(mine, p));
  }
  return { ok: true, data, mine: ours.map(formatPath) };
}

/** Problems by formatted path, for the fields; `under` gives the ones inside a part (a tab, a row). */
export class ProblemIndex {
  readonly byPath = new Map<string, string[]>();
  constructor(readonly problems: Problem[]) {
    for (const p of problems) {
      const key = formatPath(p.path);
      this.byPath.set(key, [...(this.byPath.get(key) ?? []), p.message]);
    }
  }
  at(path: readonly PathPart[]): string | undefined {
    return this.byPath.get(formatPath(path))?.join('; ');
  }
  under(prefix: readonly PathPart[]): Problem[] {
    return this.problems.filter((p) => overlaps(p.path, [...prefix]) && p.path.length >= prefix.length);
  }
}
