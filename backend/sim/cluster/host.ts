/**
 * One simulated server: the agent's real cores (membership, local groups, controller with
 * its guard, decider, claims and operations) on the simulated network and clock, with
 * simulated parts where the agent has I/O: resource scripts that record into the truth,
 * a BMC that reads the host's power, a watchdog that resets the host, peers' HTTP calls.
 *
 * What survives what, as on a real server: a killed agent leaves its resources running
 * (daemons outlive it) and its held file on disk; a power-off or reset stops everything.
 */
import { ConfirmationWaiters, confirmedStartGate } from '../../membership/confirmation';
import type { ClusterConfig, Resource } from '../../config/model';
import { Controller } from '../../controller/controller';
import { memberPeers } from '../../controller/peers';
import { LocalGroups, type Drivers } from '../../groups/local-groups';
import { refusalStatus } from '../../api/refusals';
import { OperationError } from '../../groups/operations';
import type { ActionResult } from '../../groups/resources/types';
import { Membership } from '../../membership';
import { restrictToLayout } from '../../membership/layout';
import type { LocalSummary } from '../../membership/types';
import type { Timer } from '../../time/clock';
import { HostClock } from './host-clock';
import type { World } from './world';

export type HostPower = 'on' | 'off';

/** Script behaviour a fault can change, per host. */
export interface ScriptFaults {
  /** Groups whose start fails on this host (after launching its daemon: case 4). */
  failStart: Set<string>;
  /** Groups whose stop fails on this host. */
  failStop: Set<string>;
  /** Multiplies script durations. */
  slow: number;
}

export const SECRET = 'simulated cluster secret';

export class SimHost {
  readonly clock: HostClock;
  power: HostPower = 'on';
  /** The agent process runs (it may be paused). */
  agentUp = false;
  core: Membership | null = null;
  local: LocalGroups | null = null;
  controller: Controller | null = null;
  /** The held file in the state directory: survives agent crashes. */
  heldFile: string[] = [];
  readonly faults: ScriptFaults = { failStart: new Set(), failStop: new Set(), slow: 1 };
  bmcReachable = true;
  fenceFails = false;
  /** Resources whose daemon runs here now (group/resource). */
  private readonly running = new Set<string>();
  private timers: Timer[] = [];
  private lastPet = 0;
  private watchdogArmed = false;
  private powerGeneration = 0;
  /** Agent runs so far: a script is launched only by the run that is alive. */
  private runs = 0;
  private incarnation = 0;

  constructor(
    readonly name: string,
    private readonly world: World
  ) {
    this.clock = new HostClock(world.clock);
  }

  /**
   * The revision this host's agent runs (its store: it survives crashes). A new revision is
   * applied live as the agent does (agent.ts reconfigure: heartbeat group list, local groups,
   * controller); an agent that is down or paused takes it when it runs again, as convergence
   * would bring it.
   */
  private revision: ClusterConfig | null = null;
  private pendingRevision: ClusterConfig | null = null;
  private revisionNumber = 1;
  /** The controller's last announcement, before restricting it to the layout. */
  private announced: LocalSummary | null = null;

  get config(): ClusterConfig {
    return this.revision ?? this.world.config;
  }

  /** A new revision reaches this host's agent now (or when it runs again). */
  applyRevision(next: ClusterConfig): void {
    const c = this.controller;
    if (!c || !this.core || !this.local || this.clock.isPaused()) {
      this.pendingRevision = next;
      return;
    }
    this.pendingRevision = null;
    this.world.note(this.name, `revision ${this.revisionNumber}: groups ${next.groups.map((g) => g.name).join(', ')}`);
    this.core.relayout(next.groups.map((g) => g.name));
    // What the controller last announced, over the new layout: a group re-added while it still
    // stops here is announced held again at once (agent: ClusterMembership.retime).
    if (this.announced) {
      this.core.updateSummary(restrictToLayout(this.announced, this.core.layout));
    }
    c.beforeReconfigure();
    this.revision = next;
    this.local.reconfigure(next.groups);
    c.reconfigured();
  }

  /**
   * The revision is committed: stored at once (an agent that is down starts with it), applied
   * by the running agent when it runs (at once, or after SIGCONT).
   */
  receiveRevision(next: ClusterConfig, number: number): void {
    if (number <= this.revisionNumber) {
      return; // an older revision arriving late: the store refuses it
    }
    this.revisionNumber = number;
    this.pendingRevision = next;
    this.clock.deliver(() => {
      if (this.pendingRevision === next) {
        this.applyRevision(next);
      }
    });
  }

  /** Starts the agent (boot or restart after a crash). */
  boot(): void {
    if (this.power === 'off' || this.agentUp) {
      return;
    }
    this.agentUp = true;
    this.announced = null; // a new run announces what its held file says, until its controller speaks
    if (this.pendingRevision) {
      this.revision = this.pendingRevision; // stored before the restart: the agent starts with it
      this.pendingRevision = null;
    }
    const { config, world } = this;
    const configured = config.groups.map((g) => g.name);
    // Held by the previous run but removed by a revision since: stopped with their last
    // definition (the agent finds it in its store's history; here, the initial configuration).
    const orphans = world.config.groups.filter((g) => this.heldFile.includes(g.name) && !configured.includes(g.name));
    const position = config.servers.findIndex((s) => s.name === this.name);
    const net = world.net.transport(this.name);
    const core = new Membership({
      config,
      self: this.name,
      secret: SECRET,
      incarnation: BigInt(1 + position + 100 * ++this.incarnation),
      // What the previous run left held is announced from the first heartbeat (as the agent
      // does); groups the revision no longer has cannot be (no bit in the layout).
      summary: { revision: 1, hash: '', groups: this.heldFile.filter((g) => configured.includes(g)) },
      clock: this.clock,
      transport: {
        attach: (sink) =>
          net.attach({
            receive: (ic, packet, from) => this.clock.deliver(() => sink.receive(ic, packet, from)),
            sendFailed: (ic, peer, error) => this.clock.deliver(() => sink.sendFailed(ic, peer, error)),
          }),
        send: (ic, peer, packet) => net.send(ic, peer, packet),
      },
    });
    const local = new LocalGroups([...config.groups, ...orphans], this.name, this.drivers(++this.runs), () =>
      this.clock.wallNow()
    );
    // As the agent does (agent/groups.ts): a start runs once its peers know of it.
    const confirmations = new ConfirmationWaiters(this.clock);
    core.on((e) => {
      if (e.type === 'announcement') {
        confirmations.update(e.state);
      }
    });
    local.setStartGate(
      confirmedStartGate(
        (ms) => confirmations.wait(core.announcement().id, ms),
        () => this.config.cluster.heartbeat.timeoutMs
      )
    );
    const controller = new Controller({
      config: () => this.config,
      self: this.name,
      clock: this.clock,
      log: this.world.logger(this.name),
      local,
      peers: () => (this.core === core ? memberPeers(core.snapshot()) : null),
      membershipFailure: () => null,
      steps: {
        step: async (server, group, action, request) => {
          const answer = await world.rpc(this.name, server, async (peer) => {
            try {
              const ops = peer.controller!.operations;
              const result =
                action === 'start' ? await ops.startHere(group, request) : await ops.stopHere(group, request);
              return { status: 200, result };
            } catch (e) {
              if (e instanceof OperationError) {
                return { status: refusalStatus(e.kind), error: e.message };
              }
              throw e;
            }
          });
          return answer;
        },
      },
      forward: async (decider, request) => {
        const answer = await world.rpc(this.name, decider, async (peer) => {
          try {
            return { outcome: await peer.controller!.decide(request) };
          } catch (e) {
            if (e instanceof OperationError) {
              return { error: e };
            }
            throw e;
          }
        });
        if (answer === undefined) {
          throw new OperationError(`the deciding server ${decider} did not answer`, 'unavailable');
        }
        if ('error' in answer) {
          throw answer.error;
        }
        return answer.outcome;
      },
      guard: {
        probe: async () => ({ pingReached: null, witnessReached: null, detail: '' }),
        fence: (peer) => world.fence(this.name, peer),
        powerDown: () => undefined,
        record: (cls, summary) => world.note(this.name, `${cls}: ${summary}`),
      },
      onOutcome: (o, by) =>
        this.world.note(
          this.name,
          `${o.operation} of ${o.group} (by ${by}): ${o.ok ? 'done' : 'failed'}, on ${o.server ?? 'nothing'}; ${o.steps.map((x) => `${x.action}@${x.server}:${x.ok ? 'ok' : x.detail}`).join(', ')}`
        ),
      announce: (groups, epochs, remember, desired) => {
        this.heldFile = [...remember];
        this.announced = { revision: 1, hash: '', groups, epochs, desired };
        core.updateSummary(restrictToLayout(this.announced, core.layout));
      },
    });
    this.core = core;
    this.local = local;
    this.controller = controller;
    core.start();
    const interval = config.cluster.heartbeat.intervalMs;
    const every = (ms: number, fn: () => void) => {
      const loop = () => {
        fn();
        this.timers.push(this.clock.setTimer(ms, loop));
      };
      this.timers.push(this.clock.setTimer(ms, loop));
    };
    every(interval, () => this.readBmcs());
    every(interval, () => controller.tick());
    if (config.watchdog) {
      this.watchdogArmed = true;
      this.pet();
      every(Math.floor(config.watchdog.timeoutMs / 4), () => controller.mayPetWatchdog() && this.pet());
    }
    // Leftovers of the previous run first, as the agent does (agent/groups.ts).
    const leftovers = [...this.heldFile];
    void (async () => {
      // All at once: each is `stopping` (announced as held) from this instant until it is
      // stopped; released one after the other, the later ones would look free meanwhile.
      await Promise.all(
        leftovers.map((group) =>
          local
            .releaseLeftover(group)
            .catch((e: Error) => this.world.note(this.name, `leftover ${group}: ${e.message}`))
        )
      );
      if (this.local === local) {
        local.reconfigure(this.config.groups); // the orphans, now stopped, are forgotten
        controller.begin(leftovers.filter((g) => this.config.groups.some((x) => x.name === g)));
      }
    })();
  }

  /** SIGKILL of the agent: its resources keep running, the watchdog stays armed. */
  killAgent(): void {
    if (!this.agentUp) {
      return;
    }
    this.agentUp = false;
    this.runs++; // the killed run's scripts are not launched any more
    this.clock.kill();
    this.core?.stop();
    this.world.net.detach(this.name);
    this.core = null;
    this.local = null;
    this.controller = null;
    this.timers = [];
  }

  /** Power off (fencing, watchdog reset): everything stops. */
  powerOff(): void {
    this.killAgent();
    this.power = 'off';
    this.powerGeneration++;
    this.watchdogArmed = false;
    for (const key of this.running) {
      this.world.truth.stop(key.split('/')[0], this.name);
    }
    this.running.clear();
  }

  powerOn(): void {
    if (this.power === 'on') {
      return;
    }
    this.power = 'on';
    this.boot();
  }

  /** A stop in progress: the heal starts the agent again once it has stopped. */
  stopping = false;
  startAfterStop = false;

  /** A clean stop (systemctl stop): groups moved away or stopped, peers told, watchdog disarmed. */
  async stopAgent(): Promise<void> {
    const c = this.controller;
    if (!c || this.clock.isPaused() || this.stopping) {
      return;
    }
    this.stopping = true;
    try {
      await this.leave(c);
    } finally {
      this.stopping = false;
    }
    if (this.startAfterStop) {
      this.startAfterStop = false;
      this.boot();
    }
  }

  private async leave(c: Controller): Promise<void> {
    await c.leave();
    if (this.controller !== c) {
      return; // killed meanwhile
    }
    const incarnation = this.core!.snapshot().incarnation;
    for (const s of this.config.servers) {
      if (s.name !== this.name) {
        void this.world.rpc(this.name, s.name, async (peer) => peer.controller!.guard.left(this.name, incarnation));
      }
    }
    if (this.local!.held().length === 0) {
      this.watchdogArmed = false;
    }
    this.killAgent();
  }

  /** Whether every resource of `group` runs here (the group is fully online). */
  fullyActive(group: string): boolean {
    const g = this.world.config.groups.find((x) => x.name === group)!;
    return g.resources.every((r) => this.running.has(`${group}/${r.name}`));
  }

  private pet(): void {
    this.lastPet = this.world.clock.now();
    const at = this.lastPet;
    const timeout = this.config.watchdog!.timeoutMs;
    // The watchdog is hardware: it runs on the world's clock, paused agent or not.
    this.world.clock.setTimer(timeout, () => {
      if (this.watchdogArmed && this.lastPet === at && this.power === 'on') {
        this.world.note(this.name, 'watchdog reset');
        this.powerOff();
        this.world.clock.setTimer(1000, () => this.powerOn());
      }
    });
  }

  private readBmcs(): void {
    const core = this.core;
    if (!core) {
      return;
    }
    for (const s of this.config.servers) {
      if (s.name === this.name) {
        continue;
      }
      const peer = this.world.host(s.name);
      const reachable = peer.bmcReachable;
      core.reportBmc(s.name, {
        reachable,
        power: reachable ? peer.power : 'unknown',
        at: this.clock.now(),
      });
    }
  }

  private drivers(run_: number): Drivers {
    const run = (r: Resource, action: 'start' | 'stop', group: string): Promise<ActionResult> => {
      if (run_ !== this.runs || !this.agentUp || this.power === 'off') {
        // Code of a dead agent still unwinding: a process that is gone launches nothing.
        return new Promise<ActionResult>(() => undefined);
      }
      const base = r.type === 'exec' ? Math.min(r.timeoutMs / 4, 200) : 300;
      const duration = Math.round(base * this.faults.slow * (0.5 + this.world.rand()));
      const key = `${group}/${r.name}`;
      const generation = this.powerGeneration;
      return new Promise((resolve) => {
        // Scripts are processes of their own: they run on while the agent is paused or
        // killed (their result reaches the agent only if it still lives), but not past a
        // power-off.
        this.world.clock.setTimer(duration, () => {
          if (generation !== this.powerGeneration) {
            return;
          }
          let result: ActionResult = { ok: true, detail: 'exit 0', durationMs: duration };
          if (action === 'start') {
            if (!this.running.has(key)) {
              this.running.add(key);
              this.world.truth.start(group, this.name);
            }
            if (this.faults.failStart.has(group)) {
              result = { ok: false, detail: 'exit 1 (daemon launched, then failed)', durationMs: duration };
            }
          } else if (this.faults.failStop.has(group)) {
            result = { ok: false, detail: 'exit 1', durationMs: duration };
          } else if (this.running.delete(key)) {
            this.world.truth.stop(group, this.name);
          }
          this.clock.deliver(() => resolve(result));
        });
      });
    };
    // The group name travels in the context; drivers are per resource type.
    return {
      exec: { run: (r, a, ctx) => run(r, a, ctx.group) },
      'floating-ip': { run: (r, a, ctx) => run(r, a, ctx.group) },
    };
  }
}
