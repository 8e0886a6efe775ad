/**
 * GET /api/v1/status: one consistent snapshot of the cluster as this agent sees it, assembled
 * from one heartbeat snapshot, the BMC checker's states, the monitor board and the stored
 * configuration, all read in the same turn of the event loop (pure: no I/O here).
 *
 * Times are wall-clock epoch milliseconds (membership keeps monotonic times; they are
 * converted with the two clocks read together in `monoNow` / `wallNow`).
 */
import type { ConfigChange } from '../api/answers/config';
import type { BmcError, BmcPeerState } from '../bmc';
import type { ClusterConfig } from '../config/model';
import { isLanSilent, type HeartbeatSnapshot, type PathState, type PeerSummary, type ServerState } from '../membership';
import type { GroupView } from '../groups/view';
import type { ClusterMonitorRow, MonitorSource } from '../monitors/cluster-rows';
import type { MonitorState } from '../monitors/monitor-board';
import { summariseMonitors, type MonitorSummary } from '../monitors/monitor-summary';
import type { ConfigConflict } from '../config/convergence-decision';

export type StatusPathState = PathState | 'self';

export interface StatusPath {
  interconnect: number;
  type: 'lan' | 'bmc';
  /** The server's address on this interconnect. */
  address: string;
  /** lan: the heartbeat path; bmc: presence pings of the server's BMC (`up` = answering). */
  state: StatusPathState;
  /** Last heartbeat (lan) or last answered presence ping (bmc), epoch ms. */
  lastHeard: number | null;
  /** lan only: time since the last heartbeat (or since this agent started, if none yet). */
  silenceMs: number | null;
  /** lan: smoothed heartbeat round trip; bmc: latest ping round trip. */
  rttMs: number | null;
}

export interface StatusBmc {
  /** null for this server (an agent does not check its own BMC) or before the first ping. */
  reachable: boolean | null;
  power: 'on' | 'off' | 'unknown';
  lastError: BmcError | null;
  /** When power was last read, epoch ms. */
  lastPowerReadAt: number | null;
}

export interface StatusServer {
  name: string;
  self: boolean;
  state: ServerState;
  /** When the server entered `state`, epoch ms (this server: when the agent started). */
  since: number | null;
  /** Online or suspect with at least one LAN path down. */
  degraded: boolean;
  /** Why the state (the membership evidence's reason), when known. */
  reason: string | null;
  paths: StatusPath[];
  /** null when the server has no BMC in the configuration. */
  bmc: StatusBmc | null;
  /** The configuration revision the server announces in its heartbeats. */
  config: { revision: number; hash: string } | null;
}

/** A group in the status: where it runs as this agent sees the cluster (detail: GET /groups). */
export type StatusGroup = Pick<
  GroupView,
  'name' | 'state' | 'currentServer' | 'holders' | 'startupServers' | 'local' | 'operation'
>;

export interface ClusterStatus {
  cluster: string;
  self: string;
  at: number;
  heartbeat: {
    running: boolean;
    mode: string | null;
    intervalMs: number;
    timeoutMs: number;
    incarnation: string | null;
    muted: boolean;
    error: string | null;
  };
  interconnects: Array<{ index: number; type: 'lan' | 'bmc'; port: number | null }>;
  servers: StatusServer[];
  groups: StatusGroup[];
  /** One entry per monitor, cluster-wide (every agent the same); the per-server states are GET /monitors. */
  monitors: MonitorSummary[];
  /** Per server: when this agent last had that server's own monitor rows, and whether they are stale. */
  monitorSources: MonitorSource[];
  config: {
    revision: number;
    hash: string;
    /** The revision the subsystems run (applied live; reconfig/plan.ts). */
    runningRevision: number;
    /** Parts of the revision wait for this agent's restart (restartChanges). */
    restartRequired: boolean;
    restartChanges: ConfigChange[];
    conflicts: ConfigConflict[];
  };
}

export interface StatusInput {
  /** The configuration the subsystems run (servers, interconnects, groups). */
  running: ClusterConfig;
  runningRevision: number;
  /** What of the current revision waits for a restart (none: everything is applied). */
  restartChanges?: ConfigChange[];
  current: { revision: number; hash: string };
  self: string;
  heartbeat: HeartbeatSnapshot | null;
  heartbeatError: string | null;
  /** null when no BMC interconnect is configured (no checker runs). */
  bmc: BmcPeerState[] | null;
  /** Every monitor x server, cluster-wide (cluster-rows.ts); plain board rows count as this agent's. */
  monitors: Array<MonitorState | ClusterMonitorRow>;
  monitorSources?: MonitorSource[];
  groups: GroupView[];
  conflicts: ConfigConflict[];
  /** The evidence reason of each peer's latest transition. */
  reasons?: Record<string, string>;
  startedAt: number;
  monoNow: number;
  wallNow: number;
}

export function buildStatus(input: StatusInput): ClusterStatus {
  const { running: config, self, heartbeat: hb } = input;
  const wall = (mono: number | null) => (mono === null ? null : Math.round(input.wallNow - (input.monoNow - mono)));
  const peers = new Map((hb?.peers ?? []).map((p) => [p.server, p]));
  const bmcStates = new Map((input.bmc ?? []).map((b) => [b.server, b]));

  const servers = config.servers.map((s): StatusServer => {
    const isSelf = s.name === self;
    const peer = peers.get(s.name);
    const check = bmcStates.get(s.name);
    const paths = config.interconnects.map((ic, index): StatusPath => {
      const address = ic.addresses[s.name] ?? '';
      if (isSelf) {
        return {
          interconnect: index,
          type: ic.type,
          address,
          state: 'self',
          lastHeard: null,
          silenceMs: null,
          rttMs: null,
        };
      }
      if (ic.type === 'lan') {
        const p = peer?.paths.find((x) => x.interconnect === index);
        return {
          interconnect: index,
          type: 'lan',
          address,
          state: p?.state ?? 'pending',
          lastHeard: wall(p?.lastHeardAt ?? null),
          silenceMs: p ? Math.round(p.silenceMs) : null,
          rttMs: p?.rttMs ?? null,
        };
      }
      return {
        interconnect: index,
        type: 'bmc',
        address,
        state: check === undefined || check.lastPingAt === null ? 'pending' : check.reachable ? 'up' : 'down',
        lastHeard: check && check.lastPingRttMs !== null ? check.lastPingAt : null,
        silenceMs: null,
        rttMs: check?.lastPingRttMs ?? null,
      };
    });
    const bmc: StatusBmc | null =
      s.bmc === undefined
        ? null
        : isSelf || check === undefined
          ? { reachable: null, power: 'unknown', lastError: null, lastPowerReadAt: null }
          : {
              reachable: check.lastPingAt === null ? null : check.reachable,
              power: check.power,
              lastError: check.lastError,
              lastPowerReadAt: check.lastStatusAt,
            };
    if (isSelf) {
      return {
        name: s.name,
        self: true,
        state: 'online',
        since: input.startedAt,
        degraded: false,
        reason: 'this agent',
        paths,
        bmc,
        config: { revision: input.current.revision, hash: input.current.hash },
      };
    }
    return {
      name: s.name,
      self: false,
      state: peer?.state ?? 'unknown',
      since: wall(peer?.since ?? null),
      degraded: peer?.degraded ?? false,
      reason: peer
        ? isLanSilent(peer.state)
          ? (input.reasons?.[s.name] ?? reasonOf(peer.state, paths))
          : reasonOf(peer.state, paths)
        : input.heartbeatError
          ? 'heartbeats are not running'
          : null,
      paths,
      bmc,
      config: announced(peer?.summary ?? null),
    };
  });

  return {
    cluster: config.cluster.name,
    self,
    at: input.wallNow,
    heartbeat: {
      running: hb?.running ?? false,
      mode: hb?.mode ?? null,
      intervalMs: config.cluster.heartbeat.intervalMs,
      timeoutMs: config.cluster.heartbeat.timeoutMs,
      incarnation: hb?.incarnation ?? null,
      muted: hb?.muted ?? false,
      error: input.heartbeatError,
    },
    interconnects: config.interconnects.map((ic, index) => ({ index, type: ic.type, port: ic.port ?? null })),
    servers,
    groups: input.groups.map((g) => ({
      name: g.name,
      state: g.state,
      currentServer: g.currentServer,
      holders: g.holders,
      startupServers: g.startupServers,
      local: g.local,
      operation: g.operation,
    })),
    monitors: summariseMonitors(input.monitors),
    monitorSources: input.monitorSources ?? [],
    config: {
      revision: input.current.revision,
      hash: input.current.hash,
      runningRevision: input.runningRevision,
      restartRequired: input.runningRevision !== input.current.revision || (input.restartChanges ?? []).length > 0,
      restartChanges: input.restartChanges ?? [],
      conflicts: input.conflicts,
    },
  };
}

/**
 * The status without what changes while nothing happens, for its ETag (GET /status answers
 * 304 to a poller until the cluster's state really changes). Left out, and why:
 *   at                              the render time
 *   servers[].since                 converted from the monotonic clock at each render (jitters
 *                                   by a millisecond); it changes with `state`, which is kept
 *   servers[].reason                for `suspect` it counts the milliseconds of silence; otherwise
 *                                   it follows `state` and the path states, which are kept
 *   servers[].paths[].lastHeard,    every heartbeat, every BMC ping and its round trip
 *     .silenceMs, .rttMs
 *   servers[].bmc.lastPowerReadAt   every power reading (every 5 s and more)
 *   servers[].bmc.lastError.at      a failure that repeats is the same failure
 *   monitorSources[].seenAt         every poll of a peer's monitor rows (`stale` is kept)
 * Everything else (states, degraded, BMC reachability and power, groups, monitors, the
 * configuration and its conflicts, heartbeat mode and errors) is part of the state.
 */
export function stableStatus(s: ClusterStatus): unknown {
  return {
    ...s,
    at: undefined,
    servers: s.servers.map((sv) => ({
      ...sv,
      since: undefined,
      reason: undefined,
      paths: sv.paths.map((p) => ({ ...p, lastHeard: undefined, silenceMs: undefined, rttMs: undefined })),
      bmc:
        sv.bmc === null
          ? null
          : {
              ...sv.bmc,
              lastPowerReadAt: undefined,
              lastError: sv.bmc.lastError && { source: sv.bmc.lastError.source, message: sv.bmc.lastError.message },
            },
    })),
    monitorSources: s.monitorSources.map((m) => ({ ...m, seenAt: undefined })),
  };
}

function announced(summary: PeerSummary | null): { revision: number; hash: string } | null {
  return summary === null ? null : { revision: summary.revision, hash: summary.hash };
}

/** A short reason from the state and the paths as they are now. */
function reasonOf(state: ServerState, paths: StatusPath[]): string {
  const lan = paths.filter((p) => p.type === 'lan');
  const name = (p: StatusPath) => `${p.type}${p.interconnect}`;
  const up = lan.filter((p) => p.state === 'up').map(name);
  const down = lan.filter((p) => p.state === 'down').map(name);
  switch (state) {
    case 'online':
      return `heard on ${up.join(', ') || 'a path'}${down.length > 0 ? `; ${down.join(', ')} down` : ''}`;
    case 'suspect': {
      const quiet = Math.min(...lan.map((p) => p.silenceMs ?? Infinity));
      return Number.isFinite(quiet) ? `no heartbeat for ${quiet} ms on any path` : 'not heard yet';
    }
    case 'offline-confirmed':
      return 'no heartbeat on any path; BMC reports power off';
    case 'hung-or-partitioned':
      return 'no heartbeat on any path; BMC reports power on';
    case 'unknown':
      return 'no heartbeat on any path; no current BMC evidence';
  }
}
