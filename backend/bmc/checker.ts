// BmcChecker: watches every peer's BMC. A presence ping at heartbeat rate says whether the
// BMC answers at all (cheap: one datagram, no session); a `chassis power status` through
// ipmitool, less often, says whether the peer's chassis is powered. Consumers read states
// and listen for 'change' events: the BMC heartbeat (is the peer's BMC reachable?) and the
// partition/fencing logic (is the peer's chassis off?).
//
// Everything with side effects is injected (clock, pinger, ipmi function, secret
// reader), with the real implementations as defaults, so the logic runs under a fake clock
// in unit tests. Calls never overlap per peer: a round skips a peer whose previous ping (or
// status call) is still running, so a hung BMC costs at most one socket and one process.

import { EventEmitter } from 'node:events';
import {
  applyPing,
  applyStatus,
  changedFields,
  initialState,
  type BmcPeerState,
  type ChangedField,
} from './checker-state';
import { systemClock, type Clock, type Timer } from '../time/clock';
import { IpmitoolRunner } from './ipmitool';
import { createPinger, type PingFunction, type PingResult } from './rmcp-ping';
import { resolveIpmiTargets, type BmcPeer, type SecretReader } from './targets';
import type { IpmiCallResult, IpmiFunction, IpmiTarget } from './types';

export interface BmcCheckerObserver {
  onPing?(server: string, result: PingResult): void;
  onStatus?(server: string, result: IpmiCallResult): void;
  onState?(state: BmcPeerState): void;
}

export interface BmcCheckerOptions {
  peers: BmcPeer[];
  /** Presence ping period; use the heartbeat interval (default 1000 ms). */
  pingIntervalMs?: number;
  /** Wait for a pong this long (default: 80 % of the ping interval, at most 1000 ms; a LAN pong takes < 1 ms). */
  pingTimeoutMs?: number;
  /** `chassis power status` period (default 5000 ms). */
  statusIntervalMs?: number;
  /** Unanswered pings in a row before a reachable BMC counts as unreachable (default 2). */
  unreachableAfterMisses?: number;
  /** Timers, and wall-clock timestamps in states (default: systemClock). */
  clock?: Clock;
  pinger?: PingFunction;
  /** Pass the IpmitoolRunner shared with the fencing code (default: a private runner). */
  ipmi?: IpmiFunction;
  readSecret?: SecretReader;
  observer?: BmcCheckerObserver;
}

export interface BmcChange {
  server: string;
  state: BmcPeerState;
  previous: BmcPeerState;
  changed: ChangedField[];
}

/** Events of a BmcChecker; a throwing listener surfaces as 'error' (see safely()). */
export interface BmcCheckerEvents {
  change: [change: BmcChange];
  error: [err: unknown];
}

interface PeerRuntime {
  peer: BmcPeer;
  state: BmcPeerState;
  pinging: boolean;
  querying: boolean;
}

export class BmcChecker extends EventEmitter<BmcCheckerEvents> {
  private readonly peers = new Map<string, PeerRuntime>();
  private readonly pending = new Set<Promise<void>>();
  private readonly clock: Clock;
  private readonly pinger: PingFunction;
  private readonly ipmi: IpmiFunction;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly statusIntervalMs: number;
  private readonly misses: number;
  private targets = new Map<string, IpmiTarget>();
  private timers: Timer[] = [];
  private running = false;

  constructor(private readonly options: BmcCheckerOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.pinger = options.pinger ?? createPinger();
    this.ipmi = options.ipmi ?? new IpmitoolRunner().run;
    this.pingIntervalMs = positive(options.pingIntervalMs ?? 1000, 'pingIntervalMs');
    // 80 % of the interval: a ping must end before the next round starts, or that round skips
    // the peer (one ping in flight) and a hung BMC is noticed one interval later.
    this.pingTimeoutMs = positive(
      options.pingTimeoutMs ?? Math.min(1000, Math.max(1, Math.floor(this.pingIntervalMs * 0.8))),
      'pingTimeoutMs'
    );
    this.statusIntervalMs = positive(options.statusIntervalMs ?? 5000, 'statusIntervalMs');
    this.misses = positive(options.unreachableAfterMisses ?? 2, 'unreachableAfterMisses');
    for (const peer of options.peers) {
      if (this.peers.has(peer.server)) {
        throw new Error(`BMC peer "${peer.server}" is listed twice`);
      }
      this.peers.set(peer.server, { peer, state: initialState(peer.server), pinging: false, querying: false });
    }
  }

  /**
   * Reads the BMC passwords (throws, naming server and reference, if one is unreadable:
   * a configuration error should stop the agent at start, not surface as a "BMC down"
   * later), then checks every peer at once and on every interval after.
   */
  start(): void {
    if (this.running) {
      throw new Error('BmcChecker already started');
    }
    this.targets = resolveIpmiTargets(this.options.peers, this.options.readSecret);
    this.running = true;
    this.every(this.pingIntervalMs, () => this.pingRound());
    this.every(this.statusIntervalMs, () => this.statusRound());
  }

  /** Stops the schedule and waits for calls in flight to end (their results are dropped). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) {
      t.cancel();
    }
    this.timers = [];
    await Promise.all([...this.pending]);
  }

  state(server: string): BmcPeerState | undefined {
    return this.peers.get(server)?.state;
  }

  states(): BmcPeerState[] {
    return [...this.peers.values()].map((p) => p.state);
  }

  /**
   * Checks one peer now, outside the schedule (the agent calls it when the peer's LAN
   * heartbeats falter, so that fresh BMC evidence is there when the peer times out). The
   * one-call-per-peer rule still holds: a ping or status call already running is not
   * doubled. Returns whether anything was started.
   */
  checkNow(server: string): boolean {
    const rt = this.peers.get(server);
    if (!this.running || rt === undefined) {
      return false;
    }
    const pinged = this.pingPeer(rt);
    const queried = this.queryPeer(rt);
    return pinged || queried;
  }

  /** The resolved ipmitool target of a peer (for fencing); undefined before start() or for an unknown server. */
  target(server: string): IpmiTarget | undefined {
    return this.targets.get(server);
  }

  /** Runs `round` now and then every `intervalMs`, until stop(). */
  private every(intervalMs: number, round: () => void): void {
    const slot = this.timers.length;
    const tick = () => {
      if (!this.running) {
        return;
      }
      this.timers[slot] = this.clock.setTimer(intervalMs, tick);
      round();
    };
    this.timers.push(this.clock.setTimer(0, tick));
  }

  private pingRound(): void {
    for (const rt of this.peers.values()) {
      this.pingPeer(rt);
    }
  }

  private statusRound(): void {
    for (const rt of this.peers.values()) {
      this.queryPeer(rt);
    }
  }

  private pingPeer(rt: PeerRuntime): boolean {
    if (rt.pinging) {
      return false;
    }
    rt.pinging = true;
    this.track(
      call(() => this.pinger(rt.peer.ping, this.pingTimeoutMs), pingFailure).then((result) => {
        rt.pinging = false;
        if (this.running) {
          this.safely(() => this.options.observer?.onPing?.(rt.peer.server, result));
          this.update(rt, applyPing(rt.state, result, this.clock.wallNow(), this.misses));
        }
      })
    );
    return true;
  }

  private queryPeer(rt: PeerRuntime): boolean {
    const target = this.targets.get(rt.peer.server);
    if (rt.querying || target === undefined) {
      return false;
    }
    rt.querying = true;
    this.track(
      call(() => this.ipmi(target, 'status'), statusFailure).then((result) => {
        rt.querying = false;
        if (this.running) {
          this.safely(() => this.options.observer?.onStatus?.(rt.peer.server, result));
          this.update(rt, applyStatus(rt.state, result, this.clock.wallNow()));
        }
      })
    );
    return true;
  }

  private update(rt: PeerRuntime, next: BmcPeerState): void {
    const previous = rt.state;
    rt.state = next;
    const changed = changedFields(previous, next);
    this.safely(() => this.options.observer?.onState?.(next));
    if (changed.length > 0) {
      this.safely(() => this.emit('change', { server: rt.peer.server, state: next, previous, changed }));
    }
  }

  /**
   * A throwing observer or listener must not stall this peer's checks nor poison stop().
   * It surfaces as an 'error' event, which, as for any EventEmitter, is an uncaught
   * exception when nobody listens for it.
   */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      process.nextTick(() => this.emit('error', err));
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/** Runs an injected async function; a throw or rejection becomes a failure result. */
async function call<T>(fn: () => Promise<T>, failure: (message: string) => T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    return failure(err instanceof Error ? err.message : String(err));
  }
}

function pingFailure(message: string): PingResult {
  return { ok: false, reason: 'socket-error', detail: message };
}

function statusFailure(message: string): IpmiCallResult {
  return {
    command: 'status',
    outcome: 'error',
    ok: false,
    error: message,
    output: '',
    exitCode: null,
    signal: null,
    joined: false,
    // A display timestamp of a call that never ran (wall clock, like IpmiCallResult.startedAt).
    startedAt: Date.now(),
    durationMs: 0,
  };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
