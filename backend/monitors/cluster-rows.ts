/**
 * Monitor states as the whole cluster has them, the same on every agent (pure).
 *
 * Each server is the authority for the monitors it runs: the row (monitor M, server S) is
 * what S's own board says, because S is where M runs (S's BMC sends its traps to S's agent,
 * S's userw watches S's event loop). Every other agent copies S's rows over the peer API
 * (agent/peer-monitors.ts) and shows them with their origin and when they were seen, so any
 * agent answers `lifeline status` and GET /monitors the same way for every (M, S).
 *
 * A peer that has not answered for `staleAfterMs` keeps its last rows, marked `stale`. Only
 * then may this agent's own copy of such a row win: when it was changed here after the
 * authority's row (a notification for S taken here while S's agent could not be reached).
 * A peer never heard from shows this agent's copy, stale, with `seenAt: null`.
 */
import type { MonitorState } from './monitor-board';

/** One server's own rows as fetched from its agent. */
export interface PeerRows {
  server: string;
  epoch: number;
  version: number;
  rows: MonitorState[];
  /** When this agent last heard from that server's agent (epoch ms): a 200 or a 304. */
  seenAt: number;
}

export interface ClusterMonitorRow extends MonitorState {
  /** The agent whose board the row comes from: the server itself, or this agent for a copy. */
  origin: string;
  /** When this agent last heard the row from its origin (epoch ms); null: never. */
  seenAt: number | null;
  /** The origin has not been heard from for a while (or never): the row may be out of date. */
  stale: boolean;
}

/** Where the rows of one server come from, as this agent sees it. */
export interface MonitorSource {
  server: string;
  seenAt: number | null;
  stale: boolean;
  /** The server's board (epoch) and its change count; null before its first answer. */
  epoch: number | null;
  version: number | null;
}

export interface MergeInput {
  self: string;
  /** This agent's board, every row (its own and its copies of other servers'). */
  local: MonitorState[];
  /** Whether a local row changed since this agent started. */
  touched: (monitor: string, server: string) => boolean;
  peers: ReadonlyMap<string, PeerRows>;
  now: number;
  staleAfterMs: number;
}

/** A peer's rows by monitor name, made once per fetched row list (a status renders often). */
const indexes = new WeakMap<MonitorState[], Map<string, MonitorState>>();
function byMonitor(rows: MonitorState[]): Map<string, MonitorState> {
  let index = indexes.get(rows);
  if (index === undefined) {
    index = new Map(rows.map((r) => [r.monitor, r]));
    indexes.set(rows, index);
  }
  return index;
}

/**
 * A row with where it comes from. Written out field by field: V8's object spread with extra
 * properties was 100 times slower (80 ms for the 16,384 rows of a maximum-size cluster).
 */
function row(r: MonitorState, origin: string, seenAt: number | null, stale: boolean): ClusterMonitorRow {
  return {
    monitor: r.monitor,
    server: r.server,
    status: r.status,
    since: r.since,
    reason: r.reason,
    cause: r.cause,
    origin,
    seenAt,
    stale,
  };
}

export function isStale(p: PeerRows | undefined, now: number, staleAfterMs: number): boolean {
  return p === undefined || now - p.seenAt > staleAfterMs;
}

export function mergeMonitorRows(input: MergeInput): ClusterMonitorRow[] {
  const { self, now, staleAfterMs } = input;
  const out: ClusterMonitorRow[] = [];
  const matched = new Map<string, number>();
  const copy = (r: MonitorState) => row(r, self, null, true);
  for (const r of input.local) {
    if (r.server === self) {
      out.push(row(r, self, now, false));
      continue;
    }
    const p = input.peers.get(r.server);
    const theirs = p && byMonitor(p.rows).get(r.monitor);
    if (p === undefined || theirs === undefined) {
      out.push(copy(r));
      continue;
    }
    matched.set(r.server, (matched.get(r.server) ?? 0) + 1);
    const stale = isStale(p, now, staleAfterMs);
    const newerHere = stale && input.touched(r.monitor, r.server) && r.since > theirs.since;
    out.push(newerHere ? copy(r) : row(theirs, r.server, p.seenAt, stale));
  }
  // Monitors a peer runs that this agent's configuration does not have (a revision not yet
  // running here): the peer is the authority on what runs on it.
  for (const [server, p] of input.peers) {
    if ((matched.get(server) ?? 0) < p.rows.length) {
      const here = new Set(input.local.filter((r) => r.server === server).map((r) => r.monitor));
      for (const r of p.rows) {
        if (!here.has(r.monitor)) {
          out.push(row(r, server, p.seenAt, isStale(p, now, staleAfterMs)));
        }
      }
    }
  }
  return out;
}

/** One entry per server of the configuration: where its rows come from. */
export function monitorSources(
  self: string,
  servers: string[],
  peers: ReadonlyMap<string, PeerRows>,
  now: number,
  staleAfterMs: number,
  own: { epoch: number; version: number }
): MonitorSource[] {
  return servers.map((server) => {
    if (server === self) {
      return { server, seenAt: now, stale: false, epoch: own.epoch, version: own.version };
    }
    const p = peers.get(server);
    return {
      server,
      seenAt: p?.seenAt ?? null,
      stale: isStale(p, now, staleAfterMs),
      epoch: p?.epoch ?? null,
      version: p?.version ?? null,
    };
  });
}

/**
 * Whether rows fetched from (or announced by) a peer replace the ones kept: a new board
 * (the agent restarted) always does; the same board only with more changes. Answers that
 * cross on the network (an older poll arriving after a newer one) never go back in time.
 */
export function isNewer(kept: PeerRows | undefined, epoch: number, version: number): boolean {
  return kept === undefined || kept.epoch !== epoch || version > kept.version;
}
