/**
 * Groups held and peers heard travel as bitmaps over the configuration's group and server
 * lists instead of as names: 128 groups of up to 63 characters would need 8 KiB, far more
 * than one datagram, while their bitmap is 16 bytes. A bitmap only means something to a
 * receiver with the same lists in the same order, so every packet carries an 8-byte digest
 * of the lists (the "layout"); a receiver whose layout differs reports the summary as
 * unreadable rather than guessing (see PeerSummary.layoutMatches).
 *
 * The layout is deliberately narrower than the config hash: two revisions that only change,
 * say, a monitor interval keep the same layout and still read each other's summaries.
 */
import { createHash } from 'node:crypto';
import type { LocalSummary } from './types';

export interface Bitmap {
  /** Number of bits (the length of the list it indexes). */
  size: number;
  /** Indexes of the set bits, ascending. */
  members: number[];
}

export interface Layout {
  servers: string[];
  groups: string[];
  /** 16 lower-case hex digits. */
  digest: string;
  serverIndex: Map<string, number>;
  groupIndex: Map<string, number>;
}

/** Counts travel in one byte each. The configuration allows 32 servers and 128 groups. */
export const MAX_BITMAP_SIZE = 255;

export function makeLayout(servers: string[], groups: string[]): Layout {
  if (servers.length > MAX_BITMAP_SIZE || groups.length > MAX_BITMAP_SIZE) {
    throw new RangeError(`at most ${MAX_BITMAP_SIZE} servers and ${MAX_BITMAP_SIZE} groups fit a heartbeat`);
  }
  const digest = createHash('sha256').update(JSON.stringify({ servers, groups })).digest('hex').slice(0, 16);
  return {
    servers,
    groups,
    digest,
    serverIndex: new Map(servers.map((s, i) => [s, i])),
    groupIndex: new Map(groups.map((g, i) => [g, i])),
  };
}

/** Names not in `index` are left out (callers validate first, see checkSummary). */
export function toBitmap(names: Iterable<string>, index: Map<string, number>): Bitmap {
  const members = new Set<number>();
  for (const n of names) {
    const i = index.get(n);
    if (i !== undefined) {
      members.add(i);
    }
  }
  return { size: index.size, members: [...members].sort((a, b) => a - b) };
}

export function fromBitmap(bitmap: Bitmap, names: string[]): string[] | null {
  if (bitmap.size !== names.length) {
    return null;
  }
  return bitmap.members.map((i) => names[i]);
}

const HEX = /^(?:[0-9a-f]{2}){0,64}$/;

/** Why `summary` cannot be advertised with this layout, or null when it can. */
export function checkSummary(summary: LocalSummary, layout: Layout): string | null {
  if (!Number.isInteger(summary.revision) || summary.revision < 0 || summary.revision > 0xffffffff) {
    return `revision must be an integer in 0..4294967295, got ${String(summary.revision)}`;
  }
  if (typeof summary.hash !== 'string' || !HEX.test(summary.hash)) {
    return 'hash must be lower-case hex of whole bytes, at most 64 bytes';
  }
  if (!Array.isArray(summary.groups)) {
    return 'groups must be an array of group names';
  }
  const unknown = summary.groups.filter((g) => !layout.groupIndex.has(g));
  if (unknown.length > 0) {
    return `groups not in the configuration: ${unknown.join(', ')}`;
  }
  const d = summary.desired;
  if (d !== undefined && (!Number.isInteger(d.revision) || d.revision < 0 || d.revision > 0xffffffff)) {
    return `desired revision must be an integer in 0..4294967295, got ${String(d.revision)}`;
  }
  return null;
}

/**
 * `summary` with only the groups the layout has a bit for. A revision that removes a group
 * held here (still stopping) leaves it without one: no peer with the same layout can start
 * it, as it has no such group either, and peers with another layout read nothing of ours.
 */
export function restrictToLayout(summary: LocalSummary, layout: Layout): LocalSummary {
  const groups = summary.groups.filter((g) => layout.groupIndex.has(g));
  const known = (names: string[]) => names.filter((g) => layout.groupIndex.has(g));
  const epochs =
    summary.epochs && Object.fromEntries(Object.entries(summary.epochs).filter(([g]) => groups.includes(g)));
  const d = summary.desired;
  const desired = d && { revision: d.revision, stopped: known(d.stopped), started: known(d.started) };
  return { ...summary, groups, ...(epochs ? { epochs } : {}), ...(desired ? { desired } : {}) };
}
