/**
 * Failover groups, wired into the agent: this server's groups and their resource drivers,
 * the coordinator of operations, what heartbeats announce as held, starting groups when
 * the cluster comes up, and what all of it becomes (event log rows, logs, metrics).
 *
 *   local group state changes --> heartbeat summary (held groups), event log, log, metrics
 *   membership settles        --> groups this server should start by itself are started
 *   a holder is confirmed down --> its groups start here if this server is next in line
 *   peers fall silent         --> partition resolution, fencing (split-brain.ts)
 *   agent stops               --> the groups held here are stopped (resources released)
 *   agent starts after a crash --> groups the last run held (state dir) are stopped first
 */
import type { Registry } from 'prom-client';
import type { ClusterConfig } from '../config/model';
import type { EventLog } from '../events/event-log';
import { LocalGroups, type Drivers } from '../groups/local-groups';
import { HeldFile } from '../groups/held-file';
import { GroupMetrics } from '../groups/metrics';
import { GroupOperations, type GroupPeerTransport } from '../groups/operations';
import {
  startupServers,
  autoStartGroups,
  isUp,
  membershipSettled,
  orphanedGroups,
  trackHolders,
  type PlacementInput,
} from '../groups/placement';
import { groupViews, type GroupView } from '../groups/view';
import type { Logger } from '../log';
import type { ClusterMembership } from './cluster-membership';
import { SplitBrainGuard } from './split-brain';

export interface ClusterGroupsOptions {
  config: ClusterConfig;
  self: string;
  stateDir: string;
  log: Logger;
  registry: Registry;
  events: EventLog;
  membership: ClusterMembership;
  drivers: Drivers;
  peers: GroupPeerTransport;
  /** Tells the peers this agent is leaving cleanly (its groups are stopped). */
  announceLeaving: (incarnation: string) => Promise<void>;
}

/** Groups started at once when the cluster comes up. */
const AUTO_START_CONCURRENCY = 4;

export class ClusterGroups {
  readonly local: LocalGroups;
  readonly operations: GroupOperations;
  readonly guard: SplitBrainGuard;
  private autoStarted = false;
  private readonly heldFile: HeldFile;
  /** Groups the previous run of this agent left held; released before anything starts. */
  private leftovers: string[];
  private releasing: Promise<void> | null = null;
  private released = false;
  /** Who ran each group last (placement.ts trackHolders). */
  private readonly lastHolders = new Map<string, string>();
  /** Groups whose takeover failed everywhere, with the lost server it was for. */
  private readonly givenUp = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;

  constructor(private readonly options: ClusterGroupsOptions) {
    const { config, self, membership } = options;
    this.local = new LocalGroups(config.groups, self, options.drivers);
    this.guard = new SplitBrainGuard({
      config,
      self,
      log: options.log,
      events: options.events,
      membership,
      local: this.local,
    });
    this.heldFile = new HeldFile(options.stateDir, (m) => options.log.warn(m));
    this.leftovers = this.heldFile.read(config.groups.map((g) => g.name));
    this.operations = new GroupOperations({
      self,
      config: () => config,
      placement: () => this.placement(),
      local: this.local,
      peers: options.peers,
      // Two heartbeat intervals: the release is sent at once, and a lost datagram is repeated by the next round.
      releaseWaitMs: 2 * membership.timing.intervalMs + 100,
      startBlocked: () =>
        membership.failed !== null
          ? `heartbeats are not running (${membership.failed}): starting a group blind could run it twice`
          : this.guard.blocked(),
      onOutcome: (o, requestedBy) =>
        options.events.append({
          time: Date.now(),
          server: self,
          type: 'group-operation',
          class: o.ok ? 'informational' : 'recoverable',
          source: requestedBy,
          summary: `${o.operation} of group ${o.group} (by ${requestedBy}): ${o.ok ? 'done' : 'failed'}${o.server ? `, now on ${o.server}` : ''}; ${o.detail}`,
          fields: { group: o.group, operation: o.operation, ok: o.ok, server: o.server, steps: o.steps },
        }),
    });
    this.startedAt = membership.heartbeat.now();
    this.wire();
  }

  placement(): PlacementInput {
    const snapshot = this.options.membership.snapshot();
    return {
      config: this.options.config,
      self: this.options.self,
      local: this.local.list(),
      peers: (snapshot?.peers ?? []).map((p) => ({
        server: p.server,
        state: p.state,
        holds: p.summary?.groups ?? null,
      })),
      down: this.guard.down(),
    };
  }

  list(): GroupView[] {
    return groupViews(this.placement(), (g) => this.operations.running(g));
  }

  /** Starts the placement loop: once per heartbeat interval, like the membership it reads. */
  start(): void {
    this.releasing = this.releaseLeftovers();
    this.timer = setInterval(() => this.place(), this.options.membership.timing.intervalMs);
    this.timer.unref();
  }

  /** Stops the groups held here (the agent is going away: its resources must not stay behind, unmanaged). */
  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.releasing;
    const held = this.local.held();
    if (held.length > 0) {
      this.options.log.info({ groups: held }, 'stopping the groups held here before the agent exits');
      await this.local.stopHeld('STOP');
    }
    // Peers must not read the silence that follows as a partition (split-brain.ts).
    await this.options.announceLeaving(this.options.membership.heartbeat.incarnation.toString());
  }

  /**
   * What this server does by itself: once the cluster has settled after the agent started,
   * it starts the automatic groups it is first in line for; at any time, it takes over the
   * groups of a server confirmed down that it is first in line for.
   */
  private place() {
    const m = this.options.membership;
    if (m.failed !== null) {
      return;
    }
    this.guard.tick();
    if (this.guard.blocked() !== null || this.guard.deciding()) {
      return; // the losing side of a partition starts nothing, and nobody before the verdict
    }
    const input = this.placement();
    trackHolders(input, this.lastHolders);
    for (const [group, from] of this.givenUp) {
      if (this.lastHolders.get(group) !== from) {
        this.givenUp.delete(group); // it ran somewhere since: a new loss is a new takeover
      }
    }
    if (
      this.released &&
      !this.autoStarted &&
      membershipSettled(input.peers, m.heartbeat.now() - this.startedAt, m.timing.timeoutMs)
    ) {
      this.autoStarted = true;
      void this.startAll(autoStartGroups(input));
    }
    for (const { group, from } of orphanedGroups(input, this.lastHolders)) {
      if (this.operations.running(group) === undefined && this.givenUp.get(group) !== from) {
        this.options.log.warn({ group, from }, `${from} is down: taking over its group`);
        void this.takeOver(group, from, input);
      }
    }
  }

  /**
   * Starts a group whose server is down: here first (this server is first in line), then on
   * the next startup servers that are up. When it starts nowhere, the attempt is not
   * repeated every round for the same lost server: an operator has to look.
   */
  private async takeOver(group: string, from: string, input: PlacementInput) {
    const config = this.options.config;
    const g = config.groups.find((x) => x.name === group)!;
    const others = startupServers(config, g).filter((s) => s !== from && s !== input.self && isUp(input, s));
    for (const server of [input.self, ...others]) {
      try {
        const o = await this.operations.start(group, { server, requestedBy: 'failover', event: 'FAILOVER', from });
        if (o.ok) {
          this.options.log.info({ group, from, server }, 'group taken over');
          return;
        }
      } catch (e) {
        this.options.log.warn({ group, server, err: (e as Error).message }, 'takeover refused');
        return; // someone else acts on it (held, busy): the next round sees the outcome
      }
    }
    this.givenUp.set(group, from);
    this.options.log.error({ group, from }, 'group could not be taken over on any server');
  }

  private async releaseLeftovers() {
    for (const group of this.leftovers) {
      this.options.log.warn({ group }, 'the previous run of the agent held this group: stopping its resources first');
      const r = await this.local.releaseLeftover(group);
      this.options.log[r.ok ? 'info' : 'error']({ group, detail: r.detail }, 'group left by the previous run');
    }
    this.leftovers = [];
    this.released = true;
  }

  /**
   * Starts the automatic groups a few at a time: a maximum-size cluster may start dozens
   * here at once, and spawning all their scripts together would stall the event loop the
   * API and recovery share.
   */
  private async startAll(groups: string[]) {
    const queue = [...groups];
    const worker = async () => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        try {
          const o = await this.operations.start(group, { server: this.options.self, requestedBy: 'auto-start' });
          this.options.log[o.ok ? 'info' : 'error']({ group, detail: o.detail }, 'automatic start');
        } catch (e) {
          this.options.log.warn({ group, err: (e as Error).message }, 'automatic start refused');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(AUTO_START_CONCURRENCY, queue.length) }, worker));
  }

  private wire() {
    const { log, events, self, membership } = this.options;
    const metrics = new GroupMetrics(this.options.registry, () => this.local.states());
    this.local.on('change', (c) => {
      const held = this.local.held();
      this.heldFile.write(held);
      membership.updateSummary({ groups: held });
      const failed = c.to === 'start-failed' || c.to === 'stop-failed';
      log[failed ? 'error' : 'info'](
        { group: c.group, from: c.from, to: c.to, reason: c.reason },
        'group state changed'
      );
      events.append({
        time: c.at,
        server: self,
        type: 'group',
        class: failed ? 'fatal' : 'informational',
        summary: `group ${c.group} on ${self}: ${c.from} -> ${c.to} (${c.reason})`,
        fields: { group: c.group, from: c.from, to: c.to },
      });
    });
    this.local.on('resource', (o) => {
      metrics.onResource(o);
      const fields = {
        group: o.group,
        resource: o.resource,
        action: o.action,
        event: o.event,
        ok: o.result.ok,
        durationMs: Math.round(o.result.durationMs),
      };
      if (o.result.ok) {
        log.info({ ...fields, detail: o.result.detail }, `resource ${o.action === 'start' ? 'started' : 'stopped'}`);
        return;
      }
      log.error({ ...fields, detail: o.result.detail }, `resource failed to ${o.action}`);
      events.append({
        time: Date.now(),
        server: self,
        type: 'resource',
        class: 'fatal',
        summary: `resource ${o.resource} of group ${o.group} failed to ${o.action} on ${self}: ${o.result.detail}`,
        fields,
      });
    });
  }
}
