/**
 * HeartbeatService: what the agent uses. It owns the heartbeat runtime (sockets, membership
 * core, timers) and runs it in a worker thread, so that a busy main thread is not declared
 * dead by its peers; the main thread keeps posting the latest summary and BMC readings, and
 * the worker posts events and snapshots back.
 *
 * Where the worker code comes from. The agent runs compiled (tsc -> build/backend, CommonJS),
 * where `worker.js` sits beside this file and is started as is. Jest runs the TypeScript
 * sources through @swc/jest, which a worker thread cannot load (it has no jest transform
 * and Node 20 refuses .ts entry points). Rather than make production depend on a TypeScript
 * loader, mode `auto` (the default) uses the worker when `worker.js` exists beside this
 * module and otherwise runs the same runtime in the main thread ("in-process", reported by
 * `mode`). Mode `worker` insists and fails with a clear message. The integration tests load
 * the compiled build (after `npx tsc -p backend/tsconfig.json`), so the worker path that
 * ships is the one tested; one test also covers in-process mode from the sources.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { monotonicNow, systemClock } from '../time/clock';
import { ConfirmationWaiters } from './confirmation';
import { fromWallTime } from '../time/wall';
import { newIncarnation } from './incarnation';
import { checkSummary, makeLayout, restrictToLayout, type Layout } from './layout';
import type { FromRuntime, RuntimeInit, ToRuntime } from './protocol';
import { HeartbeatRuntime } from './runtime';
import { timingFor, type Timing, type TimingOverrides } from './timing';
import { resolveTopology, type Topology } from './topology';
import type { BoundSocket } from './udp-transport';
import {
  zeroCounters,
  type BmcReport,
  type LocalSummary,
  type MembershipEvent,
  type MembershipSnapshot,
  type MutedEvent,
  type PacketCounters,
  type PathEvent,
  type PowerState,
  type RestartEvent,
  type RttSample,
  type SummaryEvent,
  type TransitionEvent,
} from './types';
import type { ClusterConfig } from '../config/model';

export type HeartbeatMode = 'worker' | 'in-process';

export interface HeartbeatServiceOptions {
  /** `auto` (default): the worker when its compiled file exists, else in-process. */
  mode?: 'auto' | HeartbeatMode;
  /** Default: newIncarnation() (start time and 16 random bits). */
  incarnation?: bigint;
  timing?: TimingOverrides;
  /**
   * Worker mode: heartbeats stop when the main thread has not been heard from this long,
   * so that a hung agent is seen as failed (null: never). Default 60 s: far beyond any
   * legitimate pause, far below "forever".
   */
  mainStallLimitMs?: number | null;
  /** The worker entry (default: worker.js beside this module). */
  workerScript?: string;
  /** How long stop() waits for the worker to close its sockets before terminating it. */
  stopTimeoutMs?: number;
}

/** A BMC reading as the BMC checker reports it; `at` is wall-clock epoch ms (default: now). */
export interface BmcReading {
  reachable: boolean;
  power: PowerState;
  at?: number;
}

export interface HeartbeatSnapshot extends MembershipSnapshot {
  mode: HeartbeatMode;
  running: boolean;
}

export interface HeartbeatServiceEvents {
  transition: [TransitionEvent];
  path: [PathEvent];
  restart: [RestartEvent];
  summary: [SummaryEvent];
  muted: [MutedEvent];
  /** Every event above, in order. */
  event: [MembershipEvent];
  rtt: [RttSample];
  /** The runtime noticed something worth a log line (a socket error); heartbeats go on. */
  warning: [string];
  /** The heartbeat worker died: this server no longer sends heartbeats. Listen for it. */
  error: [Error];
}

export const DEFAULT_MAIN_STALL_LIMIT_MS = 60_000;

interface Channel {
  post(m: ToRuntime): void;
  terminate(): Promise<void>;
  /** Settles when the runtime is gone for good (the worker exited); never, in-process. */
  gone: Promise<void>;
}

export class HeartbeatService extends EventEmitter<HeartbeatServiceEvents> {
  readonly mode: HeartbeatMode;
  private currentTiming: Timing;
  readonly topology: Topology;
  private layout: Layout;
  private readonly init: RuntimeInit;
  private readonly overrides: TimingOverrides | undefined;
  private readonly workerScript: string;
  private readonly stopTimeoutMs: number;
  private channel: Channel | null = null;
  private latest: MembershipSnapshot | null = null;
  private boundSockets: BoundSocket[] = [];
  private aliveTimer: NodeJS.Timeout | null = null;
  private waiters: Array<(m: FromRuntime) => boolean> = [];
  private running = false;
  private stopping = false;
  private starts = 0;
  /** The latest BMC reading per peer, handed to the runtime at each start. */
  private readonly bmc = new Map<string, BmcReport>();
  private summaryId = 0;
  private readonly confirmations = new ConfirmationWaiters(systemClock);

  /** Validates everything it can up front: throws on an unknown server or bad options. */
  constructor(config: ClusterConfig, self: string, secret: string, options: HeartbeatServiceOptions = {}) {
    super();
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new TypeError('the cluster secret is empty');
    }
    this.topology = resolveTopology(config, self);
    this.currentTiming = timingFor(config, options.timing);
    this.overrides = options.timing;
    this.layout = makeLayout(this.topology.servers, this.topology.groups);
    this.workerScript = options.workerScript ?? path.join(__dirname, 'worker.js');
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    const hasWorker = fs.existsSync(this.workerScript);
    const mode = options.mode ?? 'auto';
    if (mode === 'worker' && !hasWorker) {
      throw new Error(
        `heartbeat worker ${this.workerScript} not found: run the compiled agent (npm run build:backend), or use mode "in-process"`
      );
    }
    this.mode = mode === 'auto' ? (hasWorker ? 'worker' : 'in-process') : mode;
    this.init = {
      config,
      self,
      secret,
      incarnation: options.incarnation ?? newIncarnation(),
      timing: options.timing,
      summary: { revision: 0, hash: '', groups: [] },
      summaryId: 0,
      bmc: [],
      mainStallLimitMs: this.mode === 'worker' ? (options.mainStallLimitMs ?? DEFAULT_MAIN_STALL_LIMIT_MS) : null,
    };
  }

  get timing(): Timing {
    return this.currentTiming;
  }

  /**
   * Applies a new revision live: its `cluster.heartbeat` (the runtime sends and judges on the
   * new timing at once) and its group list (the layout held groups are announced over); a
   * later restart of the runtime starts with both.
   */
  retime(config: ClusterConfig): void {
    const groups = config.groups.map((g) => g.name);
    if (String(groups) !== String(this.layout.groups)) {
      this.layout = makeLayout(this.topology.servers, groups);
      this.init.summary = restrictToLayout(this.init.summary, this.layout);
      this.init.config = { ...this.init.config, groups: config.groups };
      this.channel?.post({ type: 'layout', groups });
    }
    const timing = timingFor(config, this.overrides);
    if (timing.intervalMs === this.currentTiming.intervalMs && timing.timeoutMs === this.currentTiming.timeoutMs) {
      return; // most revisions leave the timing alone: the runtime's timers keep their phase
    }
    this.currentTiming = timing;
    this.init.config = {
      ...this.init.config,
      cluster: { ...this.init.config.cluster, heartbeat: config.cluster.heartbeat },
    };
    this.channel?.post({ type: 'timing', timing });
    if (this.aliveTimer !== null) {
      clearInterval(this.aliveTimer);
      this.aliveTimer = setInterval(() => this.channel?.post({ type: 'alive' }), timing.intervalMs);
      this.aliveTimer.unref();
    }
  }

  /**
   * This run's incarnation. Every start() after the first takes a higher one: sequence
   * numbers start again at 1, and peers only accept that from a newer incarnation.
   */
  get incarnation(): bigint {
    return this.init.incarnation;
  }

  /** The sockets bound by start(). */
  get bound(): BoundSocket[] {
    return this.boundSockets;
  }

  /** Binds the sockets and starts heartbeats; rejects with the bind error (address and port). */
  async start(): Promise<void> {
    if (this.channel !== null) {
      throw new Error('the heartbeat service is already started');
    }
    if (this.starts++ > 0) {
      const fresh = newIncarnation();
      this.init.incarnation = fresh > this.init.incarnation ? fresh : this.init.incarnation + 1n;
    }
    this.init.bmc = [...this.bmc].map(([server, report]) => ({ server, report }));
    const first = this.next((m) => m.type === 'ready' || m.type === 'failed');
    this.channel = this.mode === 'worker' ? this.startWorker() : this.startInProcess();
    const m = await first;
    if (m.type === 'failed') {
      await this.channel.terminate();
      this.channel = null;
      throw Object.assign(new Error(m.message), { code: m.code });
    }
    this.running = true;
    if (this.mode === 'worker') {
      const every = this.timing.intervalMs;
      this.aliveTimer = setInterval(() => this.channel?.post({ type: 'alive' }), every);
      this.aliveTimer.unref();
    }
  }

  /** Stops heartbeats and closes the sockets (and the worker). */
  async stop(): Promise<void> {
    const channel = this.channel;
    if (channel === null || this.stopping) {
      return;
    }
    this.stopping = true;
    if (this.aliveTimer !== null) {
      clearInterval(this.aliveTimer);
      this.aliveTimer = null;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.stopTimeoutMs)));
    const stopped = this.next((m) => m.type === 'stopped');
    channel.post({ type: 'stop' });
    await Promise.race([stopped, timeout, channel.gone]);
    clearTimeout(timer);
    this.running = false;
    this.confirmations.fail('(heartbeats stopped)');
    await channel.terminate();
    this.channel = null;
    this.stopping = false;
    this.waiters = [];
  }

  /** The part of `summary` the current layout can announce (layout.ts restrictToLayout). */
  announceable(summary: LocalSummary): LocalSummary {
    return restrictToLayout(summary, this.layout);
  }

  /**
   * What to advertise from now on; the announcement's id (for whenConfirmed). Throws
   * TypeError on groups not in the configuration.
   */
  updateSummary(summary: LocalSummary): number {
    const problem = checkSummary(summary, this.layout);
    if (problem !== null) {
      throw new TypeError(`invalid heartbeat summary: ${problem}`);
    }
    const copy = {
      revision: summary.revision,
      hash: summary.hash,
      groups: [...summary.groups],
      epochs: { ...(summary.epochs ?? {}) },
      ...(summary.desired ? { desired: { ...summary.desired } } : {}),
    };
    const id = ++this.summaryId;
    this.init.summary = copy;
    this.init.summaryId = id;
    this.channel?.post({ type: 'summary', summary: copy, id });
    return id;
  }

  /** The id of the newest announcement (updateSummary). */
  get announcementId(): number {
    return this.summaryId;
  }

  /**
   * Resolves with [] once every peer heard when announcement `id` was made has received it
   * (confirmation.ts), or after `timeoutMs` with those that had not. Never rejects; while
   * heartbeats are not running nothing is confirmed.
   */
  whenConfirmed(id: number, timeoutMs: number): Promise<string[]> {
    if (!this.running || this.stopping) {
      return Promise.resolve(['(heartbeats are not running)']);
    }
    return this.confirmations.wait(id, timeoutMs);
  }

  /** Feeds one BMC reading of a peer. Throws on an unknown peer or an invalid reading. */
  reportBmc(server: string, reading: BmcReading): void {
    if (!this.topology.peers.some((p) => p.name === server)) {
      throw new Error(`reportBmc: "${server}" is not a peer of "${this.topology.self}"`);
    }
    if (!['on', 'off', 'unknown'].includes(reading.power) || typeof reading.reachable !== 'boolean') {
      throw new TypeError('reportBmc: expected {reachable: boolean, power: "on" | "off" | "unknown", at?: epoch ms}');
    }
    const at = reading.at === undefined ? monotonicNow() : fromWallTime(reading.at);
    const report = { reachable: reading.reachable, power: reading.power, at };
    this.bmc.set(server, report);
    this.channel?.post({ type: 'bmc', server, report });
  }

  /**
   * The latest state posted by the runtime (at most one interval old; `at` says when it was
   * taken, on the monotonic clock of time/clock.ts). Null before start() has completed.
   */
  snapshot(): HeartbeatSnapshot | null {
    return this.latest && { ...this.latest, mode: this.mode, running: this.running };
  }

  /** Packets by result since start (sent, send_failed, accepted, and each rejection reason). */
  counters(): PacketCounters {
    return this.latest ? { ...this.latest.counters } : zeroCounters();
  }

  /** Milliseconds on the clock snapshot times use; compare with `lastHeardAt`, `at`. */
  now(): number {
    return monotonicNow();
  }

  private startWorker(): Channel {
    const worker = new Worker(this.workerScript, { workerData: this.init, name: 'lifeline-heartbeat' });
    let failure: Error | null = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: FromRuntime) => this.receive(m));
    worker.on('error', (e) => {
      failure = e;
      if (this.running && !this.stopping) {
        this.crashed(e);
      }
    });
    worker.once('exit', (code) => {
      if (this.running && !this.stopping && failure === null) {
        this.crashed(new Error(`heartbeat worker exited unexpectedly (code ${code})`));
      }
      // Settles a start() still waiting for `ready`, and a stop() waiting for `stopped`.
      const why = failure ? `heartbeat worker failed: ${failure.message}` : `heartbeat worker exited (code ${code})`;
      this.settle({ type: 'failed', message: why });
      this.settle({ type: 'stopped', snapshot: this.latest! });
    });
    return {
      post: (m) => worker.postMessage(m),
      terminate: async () => {
        await worker.terminate();
        await exited;
      },
      gone: exited,
    };
  }

  private startInProcess(): Channel {
    // Deliver asynchronously, as a worker would: no listener runs inside a core callback.
    const runtime = new HeartbeatRuntime(this.init, (m) => setImmediate(() => this.receive(m)));
    void runtime.start();
    return {
      post: (m) => runtime.handle(m),
      terminate: () => runtime.stop(),
      gone: new Promise<void>(() => {}),
    };
  }

  private crashed(e: Error): void {
    this.running = false;
    this.confirmations.fail('(heartbeat worker failed)');
    if (this.aliveTimer !== null) {
      clearInterval(this.aliveTimer);
      this.aliveTimer = null;
    }
    this.emit('error', e);
  }

  /** Resolves with the first message matching `match` (checked before listeners run). */
  private next(match: (m: FromRuntime) => boolean): Promise<FromRuntime> {
    return new Promise((resolve) => {
      this.waiters.push((m) => {
        if (match(m)) {
          resolve(m);
          return true;
        }
        return false;
      });
    });
  }

  /** Hands `m` to the waiters of next() only. */
  private settle(m: FromRuntime): void {
    this.waiters = this.waiters.filter((w) => !w(m));
  }

  private receive(m: FromRuntime): void {
    this.settle(m);
    switch (m.type) {
      case 'ready':
        this.boundSockets = m.bound;
        this.latest = m.snapshot;
        this.confirmations.update(m.snapshot.announcement);
        break;
      case 'update':
        this.latest = m.snapshot;
        this.confirmations.update(m.snapshot.announcement);
        for (const e of m.events) {
          this.emitEvent(e);
        }
        for (const s of m.rtt) {
          this.emit('rtt', s);
        }
        break;
      case 'stopped':
        this.latest = m.snapshot;
        break;
      case 'warning':
        this.emit('warning', m.message);
        break;
      case 'failed':
        break;
    }
  }

  private emitEvent(e: MembershipEvent): void {
    switch (e.type) {
      case 'transition':
        this.emit('transition', e);
        break;
      case 'path':
        this.emit('path', e);
        break;
      case 'restart':
        this.emit('restart', e);
        break;
      case 'summary':
        this.emit('summary', e);
        break;
      case 'muted':
        this.emit('muted', e);
        break;
    }
    this.emit('event', e);
  }
}
