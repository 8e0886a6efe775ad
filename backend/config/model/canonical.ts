/**
 * The canonical form: every default filled in, fields in schema order, per-server maps
 * in server order, other maps sorted, and nothing else. Two configurations that mean
 * the same thing have the same canonical text, hence the same content hash, which is
 * what agents compare to converge on one configuration.
 */
import { dump } from 'js-yaml';
import type { ClusterConfig } from './schema';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function byServerOrder(map: Record<string, unknown>, order: string[]): string[] {
  const rank = new Map(order.map((n, i) => [n, i]));
  return Object.keys(map).sort(
    (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0)
  );
}

/** Keys whose values are maps keyed by server name. */
const SERVER_KEYED = new Set(['addresses', 'perServer']);

function normalise(value: unknown, servers: string[], key?: string): Json | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value === null || typeof value !== 'object') {
    return value as Json;
  }
  if (Array.isArray(value)) {
    return value.map((v) => normalise(v, servers) ?? null);
  }
  const obj = value as Record<string, unknown>;
  const keys =
    key && SERVER_KEYED.has(key)
      ? byServerOrder(obj, servers)
      : key === 'env'
        ? Object.keys(obj).sort()
        : Object.keys(obj);
  const out: Record<string, Json> = {};
  for (const k of keys) {
    const v = normalise(obj[k], servers, k);
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}

export function canonicalObject(config: ClusterConfig): Record<string, Json> {
  return normalise(
    config,
    config.servers.map((s) => s.name)
  ) as Record<string, Json>;
}

export function canonicalJson(config: ClusterConfig): string {
  return JSON.stringify(canonicalObject(config), null, 2) + '\n';
}

export function canonicalYaml(config: ClusterConfig): string {
  return dump(canonicalObject(config), { lineWidth: -1, noRefs: true });
}
