/**
 * The state of every monitor on every server this agent knows about: normal, warning or
 * error, with the event that put it there. A monitor entering error emits a recovery
 * request (the recovery engine acts on it); warnings never do. Pure state, no I/O: the
 * agent feeds it and listens to its transitions.
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../time/clock';

export const MONITOR_STATUSES = ['normal', 'warning', 'error', 'suspended'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

export interface MonitorState {
  monitor: string;
  server: string;
  status: MonitorStatus;
  since: number;
  reason: string;
  /** The event that raised the current status (for clear-on-deassertion). */
  cause?: { sensorType?: number; eventType?: number; offset?: number; eventId?: number };
}

export interface Transition {
  monitor: string;
  server: string;
  from: MonitorStatus;
  to: MonitorStatus;
  reason: string;
  at: number;
}

export interface RecoveryRequest {
  monitor: string;
  server: string;
  reason: string;
  at: number;
  eventId?: number;
}

export interface MonitorBoardEvents {
  transition: [Transition];
  'recovery-request': [RecoveryRequest];
  /** Monitors were added or removed by a new configuration revision. */
  reshaped: [];
}

export class MonitorBoard extends EventEmitter<MonitorBoardEvents> {
  private readonly states = new Map<string, MonitorState>();
  /** Rows changed since the board was made (the others still hold their initial `started`). */
  private readonly changed = new Set<string>();
  /**
   * Which board this is (its creation time, epoch ms) and how many changes it has seen:
   * peers that copy this server's rows (agent/peer-monitors.ts) ask "anything newer than
   * epoch.version?", and a restarted agent is a new epoch whose version starts again at 0.
   */
  readonly epoch: number;
  private changes = 0;

  constructor(
    monitors: Array<{ name: string; servers: string[] }>,
    /** Wall time: `since` is a timestamp people read (default: systemClock). */
    private readonly clock: Pick<Clock, 'wallNow'> = systemClock
  ) {
    super();
    this.epoch = clock.wallNow();
    for (const m of monitors) {
      for (const s of m.servers) {
        this.states.set(key(m.name, s), {
          monitor: m.name,
          server: s,
          status: 'normal',
          since: clock.wallNow(),
          reason: 'started',
        });
      }
    }
  }

  /**
   * A new configuration revision: rows of monitors (and servers) that stay keep their state,
   * new ones start normal, rows no longer configured are dropped.
   */
  reconfigure(monitors: Array<{ name: string; servers: string[] }>): void {
    const wanted = new Set(monitors.flatMap((m) => m.servers.map((s) => key(m.name, s))));
    let changed = false;
    for (const k of [...this.states.keys()]) {
      if (!wanted.has(k)) {
        this.states.delete(k);
        this.changed.delete(k);
        changed = true;
      }
    }
    for (const m of monitors) {
      for (const s of m.servers) {
        if (!this.states.has(key(m.name, s))) {
          const since = this.clock.wallNow();
          this.states.set(key(m.name, s), { monitor: m.name, server: s, status: 'normal', since, reason: 'added' });
          changed = true;
        }
      }
    }
    if (changed) {
      this.changes++;
      this.emit('reshaped');
    }
  }

  get(monitor: string, server: string): MonitorState | undefined {
    return this.states.get(key(monitor, server));
  }

  list(): MonitorState[] {
    return [...this.states.values()];
  }

  /** Bumped on every change of any row. */
  get version(): number {
    return this.changes;
  }

  /** Whether this row changed since the board was made. */
  touched(monitor: string, server: string): boolean {
    return this.changed.has(key(monitor, server));
  }

  has(monitor: string): boolean {
    return this.list().some((s) => s.monitor === monitor);
  }

  /** Puts a monitor in error; the first time (not already in error) it asks for recovery. */
  raiseError(monitor: string, server: string, reason: string, cause?: MonitorState['cause']): boolean {
    const s = this.states.get(key(monitor, server));
    if (!s || s.status === 'suspended' || s.status === 'error') {
      return false;
    }
    this.set(s, 'error', reason, cause);
    this.emit('recovery-request', { monitor, server, reason, at: s.since, eventId: cause?.eventId });
    return true;
  }

  raiseWarning(monitor: string, server: string, reason: string, cause?: MonitorState['cause']): boolean {
    const s = this.states.get(key(monitor, server));
    if (!s || s.status !== 'normal') {
      return false;
    }
    this.set(s, 'warning', reason, cause);
    return true;
  }

  /** Clears error or warning on one server, or on every server when none is named. */
  clear(monitor: string, server: string | undefined, reason: string): number {
    let n = 0;
    for (const s of this.states.values()) {
      if (
        s.monitor === monitor &&
        (server === undefined || s.server === server) &&
        (s.status === 'error' || s.status === 'warning')
      ) {
        this.set(s, 'normal', reason);
        n++;
      }
    }
    return n;
  }

  /** Suspends (or resumes) a monitor on one server, or on every server when none is named. */
  suspend(monitor: string, suspended: boolean, reason: string, server?: string): number {
    let n = 0;
    for (const s of this.states.values()) {
      if (
        s.monitor === monitor &&
        (server === undefined || s.server === server) &&
        (suspended ? s.status !== 'suspended' : s.status === 'suspended')
      ) {
        this.set(s, suspended ? 'suspended' : 'normal', reason);
        n++;
      }
    }
    return n;
  }

  private set(s: MonitorState, to: MonitorStatus, reason: string, cause?: MonitorState['cause']) {
    const from = s.status;
    s.status = to;
    s.since = this.clock.wallNow();
    s.reason = reason;
    s.cause = cause;
    this.changes++;
    this.changed.add(key(s.monitor, s.server));
    this.emit('transition', { monitor: s.monitor, server: s.server, from, to, reason, at: s.since });
  }
}

function key(monitor: string, server: string): string {
  return `${monitor}\u0000${server}`;
}
