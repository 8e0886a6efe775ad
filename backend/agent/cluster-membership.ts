/**
 * Membership and BMC linkage, wired into the agent: the heartbeat service (worker thread),
 * the BMC checker with its shared ipmitool runner, their metrics, and what their
 * observations become (event log rows, structured logs, BMC readings for membership).
 *
 *   checker state (every ping and power read) --bmcReading--> heartbeat.reportBmc(peer)
 *   peer turns suspect or stays down          --checkNow----> fresh BMC evidence for it
 *   transitions, path changes, restarts, mutes, BMC changes --> event log + log
 *   heartbeat worker dies                     --> fatal log + event, agent not ready
 */
import type { Registry } from 'prom-client';
import {
  BmcChecker,
  BmcMetrics,
  fence,
  resolveIpmiTarget,
  type FenceAction,
  type FenceOptions,
  type FenceResult,
  type ChassisCommand,
  type IpmiCallResult,
  type IpmiTarget,
  IpmitoolRunner,
  bmcPeersFromConfig,
  describeSecretRef,
  type BmcPeerState,
} from '../bmc';
import type { ClusterConfig } from '../config/model';
import { readSecret } from '../config/secrets';
import type { EventLog, NewEvent } from '../events/event-log';
import type { Logger } from '../log';
import {
  HeartbeatService,
  registerMembershipMetrics,
  type HeartbeatSnapshot,
  type LocalSummary,
  type Timing,
} from '../membership';
import { systemClock, type Clock } from '../time/clock';
import { toWallTime } from '../time/wall';
import { bmcReading } from './bmc-reading';
import { ConfigError } from './errors';
import { nextIncarnation } from './incarnation-file';
import { bmcEvent, mutedEvent, pathEvent, restartEvent, transitionEvent } from './membership-events';

export interface ClusterMembershipOptions {
  /** Groups the previous run left held (groups-held.json), announced from the first heartbeat. */
  initialGroups?: string[];
  config: ClusterConfig;
  self: string;
  stateDir: string;
  log: Logger;
  registry: Registry;
  events: EventLog;
  /** The cluster secret (readClusterSecret). */
  secret: string;
  /** ipmitool `chassis power status` period per peer (default 5000 ms). */
  bmcStatusIntervalMs?: number;
  /**
   * The agent's clock: BMC checks and fencing run on it, events are stamped with its wall
   * time (default: systemClock). The heartbeat worker reads the system clock itself.
   */
  clock?: Clock;
}

/** The cluster secret, read once; the error names the reference, never the value. */
export function readClusterSecret(config: ClusterConfig): string {
  try {
    return readSecret(config.cluster.secret);
  } catch (e) {
    throw new ConfigError(`cluster.secret (${describeSecretRef(config.cluster.secret)}): ${(e as Error).message}`);
  }
}

export class ClusterMembership {
  readonly heartbeat: HeartbeatService;
  readonly checker: BmcChecker | null = null;
  /** Shared by the checker and fencing: one ipmitool call in flight per BMC. */
  private readonly runner: IpmitoolRunner | null = null;
  private failure: string | null = null;
  private downPoll: NodeJS.Timeout | null = null;
  private readonly reasons = new Map<string, string>();
  /** Per peer and error source, the last error message logged (a failing BMC is logged once, not every poll). */
  private readonly loggedErrors = new Map<string, string>();
  private readonly log: Logger;
  private summary: LocalSummary = { revision: 0, hash: '', groups: [] };
  private readonly clock: Clock;

  private constructor(private readonly options: ClusterMembershipOptions) {
    const { config, self, log, registry, secret } = options;
    this.log = log;
    this.clock = options.clock ?? systemClock;
    const incarnation = nextIncarnation(options.stateDir, (m) => log.warn(m));
    this.heartbeat = new HeartbeatService(config, self, secret, { incarnation });
    registerMembershipMetrics(registry, this.heartbeat);
    this.wireHeartbeat();
    const metrics = config.servers.some((s) => s.bmc) ? new BmcMetrics(registry) : null;
    if (metrics) {
      this.runner = new IpmitoolRunner({ onCall: metrics.onIpmitoolCall });
    }
    if (metrics && this.runner && config.interconnects.some((ic) => ic.type === 'bmc')) {
      this.checker = new BmcChecker({
        peers: bmcPeersFromConfig(config, self),
        pingIntervalMs: config.cluster.heartbeat.intervalMs,
        statusIntervalMs: options.bmcStatusIntervalMs ?? 5000,
        ipmi: this.runner.run,
        clock: this.clock,
        observer: {
          onPing: (server, result) => metrics.onPing(server, result),
          onState: (state) => {
            metrics.onState(state);
            this.feed(state);
          },
        },
      });
      this.wireChecker(this.checker);
    }
  }

  /** Starts heartbeats (rejects with the bind error) and the BMC checker (throws ConfigError on unreadable BMC passwords). */
  static async start(options: ClusterMembershipOptions): Promise<ClusterMembership> {
    const m = new ClusterMembership(options);
    if (options.initialGroups && options.initialGroups.length > 0) {
      // From the first heartbeat on: a peer must never see this server hold nothing while
      // what its previous run left behind is still being stopped.
      m.updateSummary({ groups: options.initialGroups });
    }
    await m.heartbeat.start();
    try {
      m.checker?.start();
    } catch (e) {
      await m.heartbeat.stop();
      throw new ConfigError((e as Error).message);
    }
    const t = m.heartbeat.timing;
    // A peer that is not online gets a power read at least every timeout, so that the
    // reading stays current (bmcMaxAgeMs = 3 timeouts) while the peer is silent.
    if (m.checker) {
      m.downPoll = setInterval(() => m.pollSilentPeers(), Math.max(500, Math.min(t.timeoutMs, 5000)));
      m.downPoll.unref();
    }
    const bound = m.heartbeat.bound.map((b) => `${b.address}:${b.port}`).join(', ');
    options.log.info(
      {
        mode: m.heartbeat.mode,
        incarnation: m.heartbeat.incarnation.toString(),
        bound,
        intervalMs: t.intervalMs,
        timeoutMs: t.timeoutMs,
        bmcPeers: m.checker?.states().map((s) => s.server) ?? [],
      },
      'heartbeats started'
    );
    return m;
  }

  get timing(): Timing {
    return this.heartbeat.timing;
  }

  /** A new revision's `cluster.heartbeat` and group list, applied at once. */
  retime(config: ClusterConfig): void {
    const before = this.heartbeat.timing;
    this.heartbeat.retime(config);
    const { intervalMs, timeoutMs } = config.cluster.heartbeat;
    if (before.intervalMs !== intervalMs || before.timeoutMs !== timeoutMs) {
      this.log.info({ intervalMs, timeoutMs, was: before }, 'heartbeat timing changed');
    }
    // Held groups the new revision removed (still stopping) are no longer announced.
    this.updateSummary({});
  }

  /** Why the agent is not ready (the heartbeat worker died), or null. */
  get failed(): string | null {
    return this.failure;
  }

  snapshot(): HeartbeatSnapshot | null {
    return this.heartbeat.snapshot();
  }

  bmcStates(): BmcPeerState[] | null {
    return this.checker?.states() ?? null;
  }

  /** The evidence reason of each peer's latest transition. */
  transitionReasons(): Record<string, string> {
    return Object.fromEntries(this.reasons);
  }

  /** What heartbeats advertise: this agent's configuration revision and hash, and the groups it holds. */
  updateSummary(change: Partial<LocalSummary>): void {
    this.summary = { ...this.summary, ...change };
    // Only groups of the running revision travel (layout.ts restrictToLayout).
    this.heartbeat.updateSummary(this.heartbeat.announceable(this.summary));
  }

  /**
   * Waits until every peer heard now has received what this agent announces now (a group
   * it is starting): [] then, else the peers that did not within `timeoutMs`.
   */
  whenAnnounced(timeoutMs: number): Promise<string[]> {
    return this.heartbeat.whenConfirmed(this.heartbeat.announcementId, timeoutMs);
  }

  /**
   * Forces a peer off (or resets it) through its BMC and confirms it by reading the power
   * back (bmc/fence.ts). Afterwards the checker, if any, reads the peer's BMC at once, so
   * membership's evidence catches up with what was done.
   */
  async fence(server: string, action: FenceAction, options: FenceOptions): Promise<FenceResult> {
    const target = this.bmcTarget(server);
    const result = await fence(this.runner!.run, target, action, { clock: this.clock, ...options });
    this.checker?.checkNow(server);
    return result;
  }

  /**
   * One chassis command to a server's BMC, this server's own included, without waiting for a
   * confirmation (a recovery's final action on this server: nobody would be left to read it).
   */
  async bmcCommand(server: string, command: ChassisCommand): Promise<IpmiCallResult> {
    return this.runner!.run(this.bmcTarget(server), command);
  }

  private bmcTarget(server: string): IpmiTarget {
    // bmcPeersFromConfig leaves out the server it is given: '' leaves out none.
    const entry = bmcPeersFromConfig(this.options.config, '').find((p) => p.server === server);
    if (!entry || !this.runner) {
      throw new Error(`${server} has no BMC in the configuration`);
    }
    return resolveIpmiTarget(entry);
  }

  async stop(): Promise<void> {
    if (this.downPoll) {
      clearInterval(this.downPoll);
      this.downPoll = null;
    }
    await this.checker?.stop();
    await this.heartbeat.stop();
  }

  private toWall = (mono: number) => toWallTime(mono, this.heartbeat.now(), this.clock.wallNow());

  private append(e: NewEvent | null): void {
    if (e !== null) {
      this.options.events.append(e);
    }
  }

  private wireHeartbeat(): void {
    const { self, log } = this.options;
    const hb = this.heartbeat;
    hb.on('transition', (t) => {
      this.reasons.set(t.server, t.evidence.reason);
      const line = { peer: t.server, from: t.from, to: t.to, reason: t.evidence.reason };
      if (t.to === 'online' || t.to === 'suspect') {
        log.info(line, 'server state changed');
      } else {
        log.warn({ ...line, evidence: t.evidence }, 'server state changed');
      }
      this.append(transitionEvent(t, self, this.toWall));
      if (t.to !== 'online') {
        // Fresh BMC evidence before the peer times out: it decides offline vs. hung.
        this.checker?.checkNow(t.server);
      }
    });
    hb.on('path', (p) => {
      log.info({ peer: p.server, interconnect: p.interconnect, from: p.from, to: p.to }, 'heartbeat path changed');
      this.append(pathEvent(p, self, this.toWall));
    });
    hb.on('restart', (r) => {
      log.info({ peer: r.server, incarnation: r.incarnation }, 'peer agent restarted');
      this.append(restartEvent(r, self, this.toWall));
    });
    hb.on('muted', (m) => {
      (m.muted ? log.error.bind(log) : log.info.bind(log))(
        { reason: m.reason },
        m.muted ? 'heartbeats muted' : 'heartbeats resumed'
      );
      this.append(mutedEvent(m, self, this.toWall));
    });
    hb.on('warning', (message) => log.warn({ message }, 'heartbeat warning'));
    hb.on('error', (e) => {
      this.failure = `heartbeat service failed: ${e.message}`;
      log.fatal(
        { error: e.message },
        'heartbeat service failed: this server sends no heartbeats; the agent is not ready'
      );
      this.append({
        time: this.clock.wallNow(),
        server: self,
        type: 'heartbeat',
        class: 'fatal',
        source: `membership:${self}`,
        summary: `heartbeat service failed: ${e.message}; this server sends no heartbeats`,
      });
    });
  }

  private wireChecker(checker: BmcChecker): void {
    const { self, log } = this.options;
    checker.on('change', (c) => {
      this.feed(c.state);
      const line = {
        peer: c.server,
        changed: c.changed,
        reachable: c.state.reachable,
        power: c.state.power,
        lastError: c.state.lastError?.message,
      };
      if (c.state.reachable) {
        this.loggedErrors.delete(`${c.server}:ping`);
      }
      if (c.state.power !== 'unknown') {
        this.loggedErrors.delete(`${c.server}:ipmi`);
      }
      const e = c.state.lastError;
      const errorKey = e ? `${c.server}:${e.source}` : '';
      const newError = e !== null && this.loggedErrors.get(errorKey) !== e.message;
      if (newError) {
        this.loggedErrors.set(errorKey, e.message);
        log.warn(line, 'BMC check failed (logged again only when the error changes or after recovery)');
      } else if (c.changed.some((f) => f !== 'lastError')) {
        log.info(line, 'BMC state changed');
      }
      this.append(bmcEvent(c, self, this.clock.wallNow()));
    });
    // A throwing listener must not take the agent down (the checker re-emits it as 'error').
    checker.on('error', (e) => log.error({ error: e instanceof Error ? e.message : String(e) }, 'BMC checker error'));
  }

  private feed(state: BmcPeerState): void {
    const reading = bmcReading(state);
    if (reading !== null) {
      try {
        this.heartbeat.reportBmc(state.server, reading);
      } catch (e) {
        this.log.warn({ peer: state.server, error: (e as Error).message }, 'BMC reading not accepted by membership');
      }
    }
  }

  private pollSilentPeers(): void {
    for (const p of this.heartbeat.snapshot()?.peers ?? []) {
      if (p.state !== 'online') {
        this.checker?.checkNow(p.server);
      }
    }
  }
}
