/**
 * Failover groups, wired into the agent: the controller (controller/controller.ts) built
 * with the real parts (membership's view, resource drivers, peers over HTTP, fencing
 * through the BMC, the probes, the watchdog), and what group changes become (heartbeat
 * announcements, the held file, event log rows, logs, metrics). No decisions here.
 */
import { confirmedStartGate } from '../membership/confirmation';
import type { Registry } from 'prom-client';
import { fenceActionFromConfig } from '../bmc';
import type { ClusterConfig, Group } from '../config/model';
import { Controller } from '../controller/controller';
import { memberPeers } from '../controller/peers';
import type { EventLog } from '../events/event-log';
import { HeldFile } from '../groups/held-file';
import { LocalGroups, type Drivers } from '../groups/local-groups';
import { GroupMetrics } from '../groups/metrics';
import type { GroupPeerTransport, Outcome } from '../groups/operations';
import type { Logger } from '../log';
import { pingAny, reachWitness } from '../protection/probes';
import { systemClock, type Clock } from '../time/clock';
import { WatchdogDevice } from '../watchdog/device';
import type { ClusterMembership } from './cluster-membership';
import { powerDownHost } from './host-power';
import type { GroupRequest } from '../controller/request';

export interface AgentGroupsOptions {
  /** The configuration the agent runs now (a new revision applies live: reconfigure()). */
  config: () => ClusterConfig;
  self: string;
  stateDir: string;
  log: Logger;
  registry: Registry;
  events: EventLog;
  membership: ClusterMembership;
  drivers: Drivers;
  steps: GroupPeerTransport;
  forward: (decider: string, request: GroupRequest) => Promise<Outcome>;
  /** Tells the peers this agent is leaving cleanly (its groups are stopped). */
  announceLeaving: (incarnation: string) => Promise<void>;
  /**
   * Where a group no longer configured was last defined (the newest kept revision that has
   * it), to stop what the previous run left of it (HeldFile.orphans).
   */
  lastDefinition?: (group: string) => Group | undefined;
  /** Overrides `watchdog.device` of the configuration (lifeline agent --watchdog-device). */
  watchdogDevice?: string;
  clock?: Clock;
}

export class AgentGroups {
  readonly local: LocalGroups;
  readonly controller: Controller;
  private readonly heldFile: HeldFile;
  private readonly watchdog: WatchdogDevice | null;
  private timers: NodeJS.Timeout[] = [];
  private ticker: NodeJS.Timeout | null = null;
  /** Groups the previous run held that the running revision no longer has. */
  private readonly orphans: Group[];
  private releasing: Promise<void> | null = null;
  private readonly clock: Clock;

  constructor(private readonly options: AgentGroupsOptions) {
    const { config, self, membership, log, events } = options;
    const boot = config();
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.heldFile = new HeldFile(options.stateDir, (m) => log.warn(m));
    const configured = boot.groups.map((g) => g.name);
    this.orphans = this.heldFile
      .orphans(configured)
      .flatMap((name) => options.lastDefinition?.(name) ?? [])
      .filter((g) => !configured.includes(g.name));
    this.local = new LocalGroups([...boot.groups, ...this.orphans], self, options.drivers, () => clock.wallNow());
    this.local.setStartGate(
      confirmedStartGate(
        (ms) => membership.whenAnnounced(ms),
        () => config().cluster.heartbeat.timeoutMs
      )
    );
    const w = boot.watchdog; // restart-only (reconfig/plan.ts)
    this.watchdog = w ? new WatchdogDevice(options.watchdogDevice ?? w.device, w.timeoutMs) : null;
    const record = (
      cls: 'fatal' | 'recoverable' | 'informational',
      summary: string,
      fields?: Record<string, unknown>
    ) => {
      log[cls === 'fatal' ? 'error' : cls === 'recoverable' ? 'warn' : 'info']({ ...fields }, summary);
      events.append({ time: clock.wallNow(), server: self, type: 'partition', class: cls, summary, fields });
    };
    this.controller = new Controller({
      config,
      self,
      clock,
      log,
      local: this.local,
      peers: () => memberPeers(membership.snapshot()),
      membershipFailure: () => membership.failed,
      steps: options.steps,
      forward: options.forward,
      guard: {
        probe: async () => {
          const p = config().partition;
          const [ping, witness] = await Promise.all([
            p.ping ? pingAny(p.ping) : null,
            p.witness ? reachWitness(p.witness) : null,
          ]);
          return {
            pingReached: ping?.reached ?? null,
            witnessReached: witness?.reached ?? null,
            detail: [ping?.detail, witness?.detail].filter(Boolean).join('; '),
          };
        },
        fence: async (peer) => {
          const { fencing } = config();
          const action = fenceActionFromConfig(fencing.action)!;
          log.warn({ peer, action }, 'fencing');
          const r = await membership.fence(peer, action, {
            timeoutMs: fencing.timeoutMs,
            retries: fencing.retries,
          });
          const detail =
            r.precheck?.power === 'off' ? 'already off' : r.attempts.map((a) => a.reason ?? 'confirmed').join('; ');
          return { ok: r.ok, detail };
        },
        powerDown: powerDownHost,
        record,
      },
      announce: (groups, epochs, remember, desired) => {
        this.heldFile.write(remember);
        membership.updateSummary({ groups, epochs, desired });
      },
      onOutcome: (o, requestedBy) =>
        events.append({
          time: clock.wallNow(),
          server: self,
          type: 'group-operation',
          class: o.ok ? 'informational' : 'recoverable',
          source: requestedBy,
          summary: `${o.operation} of group ${o.group} (by ${requestedBy}): ${o.ok ? 'done' : 'failed'}${o.server ? `, now on ${o.server}` : ''}; ${o.detail}`,
          fields: { group: o.group, operation: o.operation, ok: o.ok, server: o.server, steps: o.steps },
        }),
    });
    this.wire();
  }

  /**
   * Starts: first the groups the previous run left held are stopped (their resources may
   * still run), then the watchdog is armed and the controller ticks once per interval.
   */
  start(): void {
    const leftovers = this.heldFile.read(this.options.config().groups.map((g) => g.name));
    const orphans = this.orphans.map((g) => g.name);
    this.releasing = (async () => {
      // All at once: each is `stopping` (announced as held) from this instant until it is
      // stopped; released one after the other, the later ones would look free meanwhile.
      await Promise.all(
        [...leftovers, ...orphans].map(async (group) => {
          this.options.log.warn(
            { group },
            'the previous run of the agent held this group: stopping its resources first'
          );
          const r = await this.local.releaseLeftover(group).catch((e: Error) => ({ ok: false, detail: e.message }));
          this.options.log[r.ok ? 'info' : 'error']({ group, detail: r.detail }, 'group left by the previous run');
        })
      );
      // Orphans are forgotten now that they are stopped (one whose stop failed stays, held).
      this.local.reconfigure(this.options.config().groups);
      this.controller.begin(leftovers);
    })();
    if (this.watchdog) {
      this.watchdog.open();
      const pet = () => {
        if (this.controller.mayPetWatchdog() && !this.watchdog!.pet()) {
          this.options.log.error({ device: this.watchdog!.path, err: this.watchdog!.error() }, 'watchdog pet failed');
        }
      };
      pet();
      this.timers.push(setInterval(pet, Math.max(50, Math.floor(this.watchdog.timeoutMs / 4))));
    }
    for (const t of this.timers) {
      t.unref();
    }
    this.tickEvery(this.options.config().cluster.heartbeat.intervalMs);
  }

  /** The controller ticks once per heartbeat interval. */
  private tickEvery(interval: number): void {
    if (this.ticker) {
      clearInterval(this.ticker);
    }
    this.ticker = setInterval(() => this.controller.tick(), interval);
    this.ticker.unref();
  }

  /**
   * Applies a new revision's groups: `switchTo` makes the configuration getter return it
   * (between the controller's before and after, so the guard keeps the delays it lowers).
   */
  reconfigure(switchTo: () => void, drivers: Drivers): void {
    const previous = this.options.config();
    this.controller.beforeReconfigure();
    switchTo();
    const next = this.options.config();
    this.local.reconfigure(next.groups, drivers);
    this.controller.reconfigured();
    if (this.ticker && next.cluster.heartbeat.intervalMs !== previous.cluster.heartbeat.intervalMs) {
      this.tickEvery(next.cluster.heartbeat.intervalMs);
    }
  }

  /** Moves the groups held here away (or stops them), then tells the peers it leaves (not a partition). */
  async stop(): Promise<void> {
    for (const t of this.timers) {
      clearInterval(t);
    }
    this.timers = [];
    if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    await this.releasing;
    await this.controller.leave();
    if (this.local.held().length === 0) {
      this.watchdog?.close(); // disarmed only with nothing held: else the reset is the stop
    }
    await this.options.announceLeaving(this.options.membership.heartbeat.incarnation.toString());
  }

  private wire() {
    const { log, events, self } = this.options;
    const metrics = new GroupMetrics(this.options.registry, () => this.local.states());
    this.local.on('change', (c) => {
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
        time: this.clock.wallNow(),
        server: self,
        type: 'resource',
        class: 'fatal',
        summary: `resource ${o.resource} of group ${o.group} failed to ${o.action} on ${self}: ${o.result.detail}`,
        fields,
      });
    });
  }
}
