import type { Registry } from 'prom-client';
import type { ClusterStatus } from '../agent/status';
import type { ClusterConfig } from '../config/model';
import type { StoredRevision } from '../config/store';
import type { EventLog, StoredEvent } from '../events/event-log';
import type { GroupView } from '../groups/view';
import type { GroupOperations, Outcome } from '../groups/operations';
import type { GroupRequest } from '../controller/request';
import type { MonitorBoard } from '../monitors/monitor-board';
import type { TrapIntake } from '../traps/intake';

/** What the API routes need from the running agent (kept small so routes test easily). */
export interface AgentContext {
  self: string;
  config: () => ClusterConfig;
  revision: () => { revision: number; hash: string };
  events: EventLog;
  board: MonitorBoard;
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
  /** One consistent snapshot for GET /status. */
  status: () => ClusterStatus;
  /** Events of every reachable peer (GET /events?scope=cluster), each with its origin agent. */
  peerEvents?: (
    query: Record<string, string>
  ) => Promise<{ events: Array<StoredEvent & { origin: string }>; unreachable: string[] }>;
  /** The current stored revision, or a kept older one. */
  configRevision: (revision?: number) => StoredRevision | undefined;
}
