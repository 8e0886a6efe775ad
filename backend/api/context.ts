import type { Registry } from 'prom-client';
import type { ClusterStatus } from '../agent/status';
import type { ClusterConfig } from '../config/model';
import type { StoredRevision } from '../config/store';
import type { EventLog, StoredEvent } from '../events/event-log';
import type { GroupView } from '../groups/view';
import type { GroupOperations, Outcome } from '../groups/operations';
import type { GroupRequest } from '../controller/request';
import type { ClusterMonitorRow, MonitorSource } from '../monitors/cluster-rows';
import type { MonitorBoard, MonitorState } from '../monitors/monitor-board';
import type { TrapIntake } from '../traps/intake';

/** What the API routes need from the running agent (kept small so routes test easily). */
export interface AgentContext {
  self: string;
  config: () => ClusterConfig;
  revision: () => { revision: number; hash: string };
  events: EventLog;
  board: MonitorBoard;
  /** The monitors of the whole cluster (agent/peer-monitors.ts): each server's own rows. */
  monitors: {
    /** Every monitor x server, the same on every agent, each with its origin and age. */
    rows: () => ClusterMonitorRow[];
    sources: () => MonitorSource[];
    /** Changes exactly when rows() or sources() change, ages (seenAt) apart. */
    stateKey: () => string;
    /** Calls `listener` when a peer's rows change or go stale (fresh) again; returns the unsubscribe. */
    onChange: (listener: (c: { server: string; epoch: number; version: number; stale: boolean }) => void) => () => void;
    /** This server's own rows, for peers (GET /internal/monitors). */
    own: () => { server: string; epoch: number; version: number; rows: MonitorState[] };
    /** A peer announced that its rows changed. */
    changed: (server: string, epoch: number, version: number) => void;
    /** The other servers, whose agents are the authority for their own rows. */
    peers: () => string[];
    /** An operator's action carried out by the agent of the server concerned (peer token). */
    forward: (server: string, path: string, body: unknown) => Promise<{ status: number; body: unknown } | undefined>;
  };
  intake: TrapIntake;
  registry: Registry;
  log: { error: (o: object, m: string) => void };
  groups: {
    list: () => GroupView[];
    /** Steps on this server, asked by the deciding server. */
    operations: GroupOperations;
    /** An operator's request: decided here, or by the deciding server. */
    request: (r: GroupRequest) => Promise<Outcome>;
    /** A request forwarded by a peer: decided here only. */
    decide: (r: GroupRequest) => Promise<Outcome>;
    /** A peer says it is leaving cleanly. */
    peerLeft: (server: string, incarnation: string) => void;
    /**
     * An operator affirms `server` is down; `broadcast`: tell the peers too. Null when
     * taken, else why it was refused.
     */
    confirmDown: (server: string, broadcast: boolean) => string | null;
  };
  ready: () => { ready: boolean; reasons: string[] };
  /**
   * Restarts the agent in its process (groups moved away first, then everything started
   * again from the store: what waited for a restart takes effect). False when whoever runs
   * the agent cannot restart it.
   */
  restart?: (reason: string) => boolean;
  /** One consistent snapshot for GET /status. */
  status: () => ClusterStatus;
  /** Events of every reachable peer (GET /events?scope=cluster), each with its origin agent. */
  peerEvents?: (
    query: Record<string, string>
  ) => Promise<{ events: Array<StoredEvent & { origin: string }>; unreachable: string[] }>;
  /** The current stored revision, or a kept older one. */
  configRevision: (revision?: number) => StoredRevision | undefined;
}
