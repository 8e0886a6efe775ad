/**
 * What a monitor's error does to the service, carried out: the step is decided by
 * recovery/plan.ts (the ladder, against the target group on the server in error); group
 * steps go to the decider, final actions run here. This is how a BMC's fatal trap fails the
 * group over before the BMC resets the broken server.
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
import type { PlacementInput } from '../groups/placement';
import type { Logger } from '../log';
import { systemClock, type Clock } from '../time/clock';
import type { MonitorBoard, RecoveryRequest } from '../monitors/monitor-board';
import { RecoveryLadder, type RecoveryStep } from '../recovery/ladder';
import { planRecovery } from '../recovery/plan';
import type { ClusterMembership } from './cluster-membership';
import { powerDownHost } from './host-power';

type FinalAction = ClusterConfig['monitors'][number]['recovery']['finalAction'];

export interface RecoveryOptions {
  /** The configuration the agent runs now (ladders change with a new revision). */
  config: () => ClusterConfig;
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
    const { log } = this.options;
    const config = this.options.config();
    const plan = planRecovery(config, this.options.placement(), this.ladder, r.monitor, r.server);
    if (plan.kind === 'none') {
      log.info({ monitor: r.monitor, server: r.server }, `recovery not needed: ${plan.why}`);
      return undefined;
    }
    this.record(r, plan.group, plan.step);
    try {
      if (plan.kind === 'group') {
        return { step: plan.step, outcome: await this.options.request(plan.request) };
      }
      await this.serverAction(plan.step.action, r);
      return { step: plan.step };
    } catch (e) {
      log.error({ monitor: r.monitor, group: plan.group, err: (e as Error).message }, 'recovery step failed');
      this.options.events.append({
        time: this.clock.wallNow(),
        server: r.server,
        type: 'recovery',
        class: 'fatal',
        monitor: r.monitor,
        summary: `recovery for ${r.monitor} on ${r.server} could not run: ${(e as Error).message}`,
      });
      return { step: plan.step };
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
