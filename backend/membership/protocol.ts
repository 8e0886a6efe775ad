/**
 * Messages between HeartbeatService (the agent's main thread) and HeartbeatRuntime (the
 * heartbeat worker thread, or the main thread in in-process mode). Structured-clone data
 * only; bigints clone as bigints.
 */
import type { Timing, TimingOverrides } from './timing';
import type { BoundSocket } from './udp-transport';
import type { BmcReport, LocalSummary, MembershipEvent, MembershipSnapshot, RttSample } from './types';
import type { ClusterConfig } from '../config/model';

export interface RuntimeInit {
  config: ClusterConfig;
  self: string;
  secret: string;
  incarnation: bigint;
  timing?: TimingOverrides;
  summary: LocalSummary;
  /** The announcement id of `summary` (confirmation.ts); ids only grow across restarts of the worker. */
  summaryId: number;
  /** BMC readings reported before start, on the shared monotonic clock. */
  bmc: Array<{ server: string; report: BmcReport }>;
  /** Mute heartbeats when the main thread is silent this long; null: never (in-process mode). */
  mainStallLimitMs: number | null;
}

export type ToRuntime =
  | { type: 'summary'; summary: LocalSummary; id: number }
  | { type: 'bmc'; server: string; report: BmcReport }
  /** The main thread's event loop is turning (sent every interval by the service). */
  | { type: 'alive' }
  /** A new configuration revision changed the heartbeat timing (applied live). */
  | { type: 'timing'; timing: Timing }
  /** A new revision changed the group list (the bitmap layout of held groups). */
  | { type: 'layout'; groups: string[] }
  | { type: 'stop' };

export type FromRuntime =
  | { type: 'ready'; bound: BoundSocket[]; snapshot: MembershipSnapshot }
  | { type: 'failed'; message: string; code?: string }
  | { type: 'update'; events: MembershipEvent[]; rtt: RttSample[]; snapshot: MembershipSnapshot }
  /** Something went wrong after start that the agent should log (a socket error). */
  | { type: 'warning'; message: string }
  | { type: 'stopped'; snapshot: MembershipSnapshot };
