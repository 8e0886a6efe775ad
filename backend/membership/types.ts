/**
 * The vocabulary of membership: server and path states, the evidence behind a state, the
 * events the core emits and the snapshot it hands out. Plain data only (numbers, strings,
 * arrays), so that every value here crosses a worker_threads boundary unchanged and can be
 * written to a log or an API response as JSON.
 *
 * Times are milliseconds on the core's monotonic clock (see time/clock.ts), never wall-clock
 * time: an NTP step or an administrator's `date` must not make a path look silent.
 */
import type { AnnouncementState } from './confirmation';

/**
 * What this server believes about a peer (the state machine is in server-state.ts):
 * - `online`: a heartbeat arrived on at least one path within `suspectAfterMs`.
 * - `suspect`: no path is fresh, but at least one has not yet timed out.
 * - `offline-confirmed`: every path timed out and the BMC reports power off.
 * - `hung-or-partitioned`: every path timed out and the BMC reports power on.
 * - `unknown`: every path timed out and there is no current BMC evidence (no BMC configured,
 *   BMC unreachable, power state unknown, or no reading since the LAN went silent).
 */
export type ServerState = 'online' | 'suspect' | 'offline-confirmed' | 'hung-or-partitioned' | 'unknown';

export const SERVER_STATES: readonly ServerState[] = [
  'online',
  'suspect',
  'offline-confirmed',
  'hung-or-partitioned',
  'unknown',
];

/** The states in which every LAN path to the server has timed out: "the server is down". */
export const LAN_SILENT_STATES: readonly ServerState[] = ['offline-confirmed', 'hung-or-partitioned', 'unknown'];

export function isLanSilent(state: ServerState): boolean {
  return LAN_SILENT_STATES.includes(state);
}

export type PowerState = 'on' | 'off' | 'unknown';

/** One reading of a peer's BMC, taken by the BMC checker (outside this module). */
export interface BmcReport {
  /** Whether the BMC answered at all. */
  reachable: boolean;
  /** Chassis power as the BMC reported it; `unknown` when it answered without a power state. */
  power: PowerState;
  /** When the reading was taken, on the core's clock. */
  at: number;
}

/**
 * A path is one peer on one LAN interconnect:
 * - `pending`: nothing heard yet, and this agent started less than `timeoutMs` ago;
 * - `up`: a heartbeat arrived within `timeoutMs`;
 * - `down`: silent for `timeoutMs` (counted from this agent's start when never heard).
 */
export type PathState = 'pending' | 'up' | 'down';

export interface PathEvidence {
  /** Index of the interconnect in the configuration (0 = highest priority). */
  interconnect: number;
  state: PathState;
  /** Heard within `suspectAfterMs`. */
  fresh: boolean;
  /** When the last accepted heartbeat arrived; null when none has since this agent started. */
  lastHeardAt: number | null;
  /** Time since `lastHeardAt`, or since this agent started when nothing was ever heard. */
  silenceMs: number;
}

export interface BmcEvidence {
  /** The peer has a `bmc` section in the configuration. */
  configured: boolean;
  /** The latest reading reported for the peer, if any. */
  report: BmcReport | null;
  /** The reading was taken after the last heartbeat and is less than `bmcMaxAgeMs` old. */
  current: boolean;
  ageMs: number | null;
}

/** Everything a state was decided on, carried with every transition. */
export interface Evidence {
  paths: PathEvidence[];
  bmc: BmcEvidence;
  /** One sentence for logs and the alert log. */
  reason: string;
}

export interface TransitionEvent {
  type: 'transition';
  server: string;
  from: ServerState;
  to: ServerState;
  at: number;
  evidence: Evidence;
}

/** A path changed state: first heard, heard again after a timeout, or timed out. */
export interface PathEvent {
  type: 'path';
  server: string;
  interconnect: number;
  from: PathState;
  to: PathState;
  at: number;
  lastHeardAt: number | null;
}

/** The peer's agent restarted: a heartbeat with a higher incarnation arrived. */
export interface RestartEvent {
  type: 'restart';
  server: string;
  /** Decimal strings: incarnations are 64-bit. */
  previousIncarnation: string;
  incarnation: string;
  at: number;
}

/** The peer's view changed: config revision or hash, groups it holds, peers it hears. */
export interface SummaryEvent {
  type: 'summary';
  server: string;
  summary: PeerSummary;
  at: number;
}

/** This agent stopped (or resumed) sending heartbeats; see `setMuted` in membership.ts. */
export interface MutedEvent {
  type: 'muted';
  muted: boolean;
  reason: string;
  at: number;
}

/** An announcement was confirmed by its peers, or abandoned as one fell silent (confirmation.ts). */
export interface AnnouncementEvent {
  type: 'announcement';
  state: AnnouncementState;
  at: number;
}

export type MembershipEvent =
  TransitionEvent | PathEvent | RestartEvent | SummaryEvent | MutedEvent | AnnouncementEvent;

/** One round-trip time measurement on one path. */
export interface RttSample {
  server: string;
  interconnect: number;
  ms: number;
}

/** What this agent advertises in every heartbeat (besides the peers it hears). */
export interface LocalSummary {
  /** Revision of the configuration this agent runs (0 = none stored yet). */
  revision: number;
  /** Content hash of that configuration, lower-case hex (SHA-256 = 64 characters). */
  hash: string;
  /** Names of the failover groups active on this server. */
  groups: string[];
  /** Claim epoch of each group in `groups` (groups/claims.ts); missing ones are 0. */
  epochs?: Record<string, number>;
  /** The operators' word on what should run (groups/desired.ts); absent: none yet. */
  desired?: DesiredSummary;
}

/** The desired state as heartbeats carry it (version 3): a revision and two lists of groups. */
export interface DesiredSummary {
  revision: number;
  stopped: string[];
  started: string[];
}

/** A peer's summary as received. */
export interface PeerSummary {
  revision: number;
  hash: string;
  /**
   * Groups and heard peers travel as bitmaps over the configuration's server and group
   * lists (see layout.ts). When the peer's lists differ from ours they cannot be read:
   * `layoutMatches` is false and both are null.
   */
  layoutMatches: boolean;
  groups: string[] | null;
  /** Claim epoch of each held group; 0 for a peer that sends version-1 heartbeats. */
  epochs: Record<string, number> | null;
  /** The desired state the peer knows; null before version 3 or with another layout. */
  desired: DesiredSummary | null;
  hears: string[] | null;
  /** The heartbeat version the peer sends. */
  version: number;
}

/** Why an inbound datagram was refused. A fixed set: it is a metric label. */
export type RejectReason =
  | 'malformed'
  | 'wrong_cluster'
  | 'bad_mac'
  | 'from_self'
  | 'unknown_sender'
  | 'misrouted'
  | 'old_incarnation'
  | 'stale'
  | 'replayed';

export const REJECT_REASONS: readonly RejectReason[] = [
  'malformed',
  'wrong_cluster',
  'bad_mac',
  'from_self',
  'unknown_sender',
  'misrouted',
  'old_incarnation',
  'stale',
  'replayed',
];

export type PacketResult = 'sent' | 'send_failed' | 'accepted' | RejectReason;

export const PACKET_RESULTS: readonly PacketResult[] = ['sent', 'send_failed', 'accepted', ...REJECT_REASONS];

export type PacketCounters = Record<PacketResult, number>;

export function zeroCounters(): PacketCounters {
  return Object.fromEntries(PACKET_RESULTS.map((r) => [r, 0])) as PacketCounters;
}

/** The most recent refusal of one kind, for diagnosis without logging every bad datagram. */
export interface Rejection {
  reason: RejectReason;
  detail: string;
  interconnect: number;
  fromAddress: string;
  at: number;
}

export interface PathSnapshot extends PathEvidence {
  /** Smoothed round-trip time (RFC 6298 style, gain 1/8); null until the first sample. */
  rttMs: number | null;
  /** The latest round-trip time sample. */
  rttLastMs: number | null;
}

export interface PeerSnapshot {
  server: string;
  state: ServerState;
  /** When the peer entered `state`. */
  since: number;
  /** Online or suspect, but at least one path is down. */
  degraded: boolean;
  /** Decimal string of the peer's current incarnation; null until first heard. */
  incarnation: string | null;
  paths: PathSnapshot[];
  bmc: BmcEvidence;
  summary: PeerSummary | null;
}

export interface MembershipSnapshot {
  self: string;
  incarnation: string;
  /** When the snapshot was taken. */
  at: number;
  startedAt: number;
  muted: boolean;
  /** Heartbeat rounds sent in the current incarnation. */
  sequence: number;
  peers: PeerSnapshot[];
  counters: PacketCounters;
  lastRejections: Rejection[];
  lastSendError: SendError | null;
  /** Which peers have received what this agent announces now (confirmation.ts). */
  announcement: AnnouncementState;
}

export interface SendError {
  interconnect: number;
  peer: string;
  error: string;
  at: number;
}
