/**
 * What a monitor's error does to the service: the monitor's recovery ladder, run against
 * its target group (a resource target recovers the group that holds the resource) on the
 * server the error concerns. This is how a BMC's fatal trap fails the group over before
 * the BMC resets the broken server.
 *
 * For a group target, a step is taken only when the group runs on the server in error: a
 * fatal event from a server that runs nothing needs no failover, and the ladder is not used
 * up by it. A `local-server` target has only its final action.
 *
 * Final actions on the server in error: `stop-group`; `bmc-reset`, `bmc-power-off`,
 * `bmc-power-cycle`, `bmc-nmi` through that server's BMC (this server's own included: the
 * groups held here are stopped first, so peers see them released rather than lost);
 * `stop-cluster-service`, `shutdown`, `reboot` when the server in error is this one (they
 * stop the groups, then the agent or the machine). Every step is a `recovery` event.
 */
import type { ClusterConfig, Group } from '../config/model';
import type { EventLog } from '../events/event-log';
import type { ChassisCommand } from '../bmc';
import type { LocalGroups } from '../groups/local-groups';
import type { GroupRequest } from '../controller/request';
import type { Outcome } from '../groups/operations';
import { clusterGroups, type PlacementInput } from '../groups/placement';
import type { Logger } from '../log';
import { systemClock, type Clock } from '../time/clock';
import type { MonitorBoard, RecoveryRequest } from '../monitors/monitor-board';
import { RecoveryLadder, type RecoveryStep } from '../recovery/ladder';
import type { ClusterMembership } from './cluster-membership';
import { powerDownHost } from './host-power';

type FinalAction = ClusterConfig['monitors'][number]['recovery']['finalAction'];

export interface RecoveryOptions {
  config: ClusterConfig;
  self: string;
  log: Logger;
  events: EventLog;
  board: MonitorBoard;
  /** A group request, decided by the deciding server (controller.request). */
  request: (r: GroupRequest) => Promise<Outcome>;
  placement: () => PlacementInput;
  local: LocalGroups;
  membership: ClusterMembership;
  /** Stops this agent for good (stop-cluster-service): groups stopped, process exits. */
  stopService: () => void;
  /** Event times (default: systemClock). */
  clock?: Clock;
}

const BMC_COMMANDS: Partial<Record<FinalAction, ChassisCommand>> = {
  'bmc-reset': 'reset',
  'bmc-power-off': 'off',
  'bmc-power-cycle': 'cycle',
  'bmc-nmi': 'diag',
};

export class Recovery {
  private readonly ladder = new RecoveryLadder();
  private readonly clock: Clock;

  constructor(private readonly options: RecoveryOptions) {
    this.clock = options.clock ?? systemClock;
    options.board.on('recovery-request', (r) => void this.handle(r));
    options.board.on('transition', (t) => {
      if (t.to === 'normal') {
        this.ladder.reset(t.monitor, t.server);
      }
    });
  }

  /** Runs the next step of the monitor's ladder for this request; resolves with what was done. */
  async handle(r: RecoveryRequest): Promise<{ step: RecoveryStep; outcome?: Outcome } | undefined> {
    const { config, log } = this.options;
    const monitor = config.monitors.find((m) => m.name === r.monitor);
    if (!monitor) {
      return undefined;
    }
    const recovery = monitor.recovery;
    const group = this.targetGroup(recovery);
    if (recovery.targetType !== 'local-server') {
      const where = group && clusterGroups(this.options.placement()).find((g) => g.name === group.name);
      if (!group || where?.currentServer !== r.server) {
        log.info(
          { monitor: r.monitor, server: r.server, group: group?.name, currentServer: where?.currentServer },
          'recovery not needed: the target group does not run on the server in error'
        );
        return undefined;
      }
    }
    const step: RecoveryStep =
      recovery.targetType === 'local-server'
        ? { kind: 'final', action: recovery.finalAction }
        : this.ladder.next(r.monitor, r.server, recovery);
    const requestedBy = `recovery:${r.monitor}`;
    this.record(r, group?.name ?? null, step);
    try {
      const ask = this.options.request;
      // `from`: the decider refuses if the group has moved since (another agent's request
      // for the same error came first), so one error never moves a group twice.
      const from = r.server;
      if (step.kind === 'restart') {
        return { step, outcome: await ask({ op: 'restart', group: group!.name, requestedBy, from }) };
      }
      if (step.kind === 'failover') {
        return { step, outcome: await ask({ op: 'move', group: group!.name, requestedBy, event: 'FAILOVER', from }) };
      }
      if (step.action === 'stop-group' && group) {
        return { step, outcome: await ask({ op: 'stop', group: group.name, requestedBy }) };
      }
      await this.serverAction(step.action, r);
      return { step };
    } catch (e) {
      log.error({ monitor: r.monitor, group: group?.name, err: (e as Error).message }, 'recovery step failed');
      this.options.events.append({
        time: this.clock.wallNow(),
        server: r.server,
        type: 'recovery',
        class: 'fatal',
        monitor: r.monitor,
        summary: `recovery for ${r.monitor} on ${r.server} could not run: ${(e as Error).message}`,
      });
      return { step };
    }
  }

  /** The server-level final actions, on the server in error. */
  private async serverAction(action: FinalAction, r: RecoveryRequest) {
    const self = r.server === this.options.self;
    const command = BMC_COMMANDS[action];
    if (command) {
      if (self) {
        await this.options.local.stopHeld('STOP');
      }
      const result = await this.options.membership.bmcCommand(r.server, command);
      if (!result.ok) {
        throw new Error(`${action} through the BMC of ${r.server} failed: ${result.error ?? result.outcome}`);
      }
      return;
    }
    if (action === 'none' || action === 'stop-group') {
      return; // stop-group without a group target: nothing to stop
    }
    if (!self) {
      throw new Error(`${action} can only be carried out by the agent of ${r.server} itself`);
    }
    if (action === 'stop-cluster-service') {
      this.options.stopService();
      return;
    }
    await this.options.local.stopHeld('STOP');
    powerDownHost(action === 'shutdown' ? 'shutdown' : 'reboot');
  }

  private targetGroup(recovery: ClusterConfig['monitors'][number]['recovery']): Group | undefined {
    const { groups } = this.options.config;
    if (recovery.targetType === 'group') {
      return groups.find((g) => g.name === recovery.target);
    }
    if (recovery.targetType === 'resource') {
      return groups.find((g) => g.resources.some((res) => res.name === recovery.target));
    }
    return undefined;
  }

  private record(r: RecoveryRequest, group: string | null, step: RecoveryStep) {
    const what = step.kind === 'final' ? `final action ${step.action}` : `${step.kind} #${step.attempt}`;
    const target = group ? ` of group ${group}` : '';
    this.options.log.warn({ monitor: r.monitor, server: r.server, group, step }, `recovery: ${what}`);
    this.options.events.append({
      time: this.clock.wallNow(),
      server: r.server,
      type: 'recovery',
      class: step.kind === 'final' && step.action !== 'none' ? 'fatal' : 'recoverable',
      monitor: r.monitor,
      summary: `recovery for ${r.monitor} on ${r.server}: ${what}${target}`,
      fields: { group, step },
    });
  }
}
