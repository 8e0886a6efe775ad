/**
 * What differs between two configurations, as people read it: one change per named item
 * (a group, a monitor, a server) or per setting, with the configuration path validation
 * problems use. Values are shown only for plain settings (numbers, words): secret
 * references and lists are only said to have changed.
 */
import type { ConfigChange } from '../api/answers/config';
import { canonicalObject, type ClusterConfig } from '../config/model';

type Area = ConfigChange['area'];

/** A change, and for a named item (a group, a monitor, a server) which one and how. */
export interface Change extends ConfigChange {
  item?: { name: string; kind: 'added' | 'changed' | 'removed' };
}

/** Sections whose items have names: changes are reported per item. */
const NAMED: ReadonlyArray<Area & keyof ClusterConfig> = ['servers', 'groups', 'monitors'];
const SINGULAR: Record<string, string> = { servers: 'server', groups: 'group', monitors: 'monitor' };

export function diffConfig(fromConfig: ClusterConfig, toConfig: ClusterConfig): Change[] {
  // Canonical forms: maps in one order, defaults filled in, nothing undefined.
  const from = canonicalObject(fromConfig) as unknown as ClusterConfig;
  const to = canonicalObject(toConfig) as unknown as ClusterConfig;
  const out: Change[] = [];
  for (const area of ['cluster', 'servers', 'interconnects', 'partition', 'fencing', 'watchdog'] as const) {
    diffSection(area, from[area], to[area], out);
  }
  for (const area of ['groups', 'monitors', 'traps', 'api'] as const) {
    diffSection(area, from[area], to[area], out);
  }
  return out;
}

function diffSection(area: Area & keyof ClusterConfig, a: unknown, b: unknown, out: Change[]): void {
  if (same(a, b)) {
    return;
  }
  if ((NAMED as readonly string[]).includes(area)) {
    diffNamed(area, a as Array<{ name: string }>, b as Array<{ name: string }>, out);
  } else if (Array.isArray(a) || Array.isArray(b)) {
    diffIndexed(area, (a ?? []) as unknown[], (b ?? []) as unknown[], out);
  } else {
    diffLeaves(area, area, a, b, out);
  }
}

function diffNamed(area: Area, a: Array<{ name: string }>, b: Array<{ name: string }>, out: Change[]): void {
  const what = SINGULAR[area];
  const before = new Map(a.map((x, i) => [x.name, { x, i }]));
  const after = new Map(b.map((x, i) => [x.name, { x, i }]));
  for (const [name, { x, i }] of after) {
    const old = before.get(name);
    if (!old) {
      out.push({ area, path: `${area}[${i}]`, summary: `${what} ${name} added`, item: { name, kind: 'added' } });
    } else if (!same(old.x, x)) {
      const fields = changedFields(old.x, x);
      out.push({
        area,
        path: `${area}[${i}]`,
        summary: `${what} ${name} changed (${fields.join(', ')})`,
        item: { name, kind: 'changed' },
      });
    }
  }
  for (const [name, { i }] of before) {
    if (!after.has(name)) {
      out.push({ area, path: `${area}[${i}]`, summary: `${what} ${name} removed`, item: { name, kind: 'removed' } });
    }
  }
  const order = (xs: Array<{ name: string }>) => xs.map((x) => x.name).filter((n) => before.has(n) && after.has(n));
  if (!same(order(a), order(b))) {
    out.push({ area, path: area, summary: `${area} reordered (${b.map((x) => x.name).join(', ')})` });
  }
}

function diffIndexed(area: Area, a: unknown[], b: unknown[], out: Change[]): void {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) {
      out.push({ area, path: `${area}[${i}]`, summary: `${area}[${i}] added` });
    } else if (i >= b.length) {
      out.push({ area, path: `${area}[${i}]`, summary: `${area}[${i}] removed` });
    } else if (!same(a[i], b[i])) {
      out.push({
        area,
        path: `${area}[${i}]`,
        summary: `${area}[${i}] changed (${changedFields(a[i], b[i]).join(', ')})`,
      });
    }
  }
}

/** One change per differing plain setting under an object; lists and secrets as a whole. */
function diffLeaves(area: Area, path: string, a: unknown, b: unknown, out: Change[]): void {
  if (same(a, b)) {
    return;
  }
  if (isPlainObject(a) && isPlainObject(b) && !isSecretRef(a) && !isSecretRef(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diffLeaves(area, `${path}.${k}`, a[k], b[k], out);
    }
    return;
  }
  out.push({ area, path, summary: `${path} ${describe(a, b)}` });
}

function describe(a: unknown, b: unknown): string {
  const plain = (v: unknown) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
  if (a === undefined) {
    return 'set';
  }
  if (b === undefined) {
    return 'removed';
  }
  return plain(a) && plain(b) ? `${JSON.stringify(a)} -> ${JSON.stringify(b)}` : 'changed';
}

/** The top-level fields of an item that differ (for "group web changed (resources, autoStart)"). */
function changedFields(a: unknown, b: unknown): string[] {
  if (!isPlainObject(a) || !isPlainObject(b)) {
    return ['value'];
  }
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !same(a[k], b[k]));
}

/** Equal canonical values (both sides come from canonicalObject: keys in one order). */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSecretRef(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && ['file', 'env', 'credential'].includes(keys[0]);
}
