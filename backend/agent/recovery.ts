/**
 * What a monitor's error does to the service: the monitor's recovery ladder, run against
 * its target group (a resource target recovers the group that holds the resource) on the
 * server the error concerns. This is how a BMC's fatal trap fails the group over before
 * the BMC resets the broken server.
 *
 * A step is taken only when the target group runs on the server in error: a fatal event
 * from a server that runs nothing needs no failover, and the ladder is not used up by it.
 * Final actions: `none` and `stop-group` are carried out here; the server-level ones
 * (stop-cluster-service, shutdown, reboot, bmc-*) are recorded as fatal events and left to
 * the operator: they are the fencing side of the failover engine, not built yet.
 */
import type { ClusterConfig, Group } from '../config/model';
import type { EventLog } from '../events/event-log';
import type { GroupOperations, Outcome } from '../groups/operations';
import { clusterGroups, type PlacementInput } from '../groups/placement';
import type { Logger } from '../log';
import type { MonitorBoard, RecoveryRequest } from '../monitors/monitor-board';
import { RecoveryLadder, type RecoveryStep } from '../recovery/ladder';

export interface RecoveryOptions {
  config: ClusterConfig;
  self: string;
  log: Logger;
  events: EventLog;
  board: MonitorBoard;
  operations: GroupOperations;
  placement: () => PlacementInput;
}

export class Recovery {
  private readonly ladder = new RecoveryLadder();

  constructor(private readonly options: RecoveryOptions) {
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
    const group = monitor && this.targetGroup(monitor.recovery);
    if (!monitor || !group) {
      return undefined;
    }
    const where = clusterGroups(this.options.placement()).find((g) => g.name === group.name)!;
    if (where.currentServer !== r.server) {
      log.info(
        { monitor: r.monitor, server: r.server, group: group.name, currentServer: where.currentServer },
        'recovery not needed: the target group does not run on the server in error'
      );
      return undefined;
    }
    const step = this.ladder.next(r.monitor, r.server, monitor.recovery);
    const requestedBy = `recovery:${r.monitor}`;
    this.record(r, group.name, step);
    try {
      const ops = this.options.operations;
      const outcome =
        step.kind === 'restart'
          ? await ops.restart(group.name, { requestedBy })
          : step.kind === 'failover'
            ? await ops.move(group.name, { requestedBy, event: 'FAILOVER' })
            : step.action === 'stop-group'
              ? await ops.stop(group.name, { requestedBy })
              : undefined;
      return { step, outcome };
    } catch (e) {
      log.error({ monitor: r.monitor, group: group.name, err: (e as Error).message }, 'recovery step refused');
      this.options.events.append({
        time: Date.now(),
        server: r.server,
        type: 'recovery',
        class: 'fatal',
        monitor: r.monitor,
        summary: `recovery of group ${group.name} for ${r.monitor} on ${r.server} could not run: ${(e as Error).message}`,
      });
      return { step };
    }
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

  private record(r: RecoveryRequest, group: string, step: RecoveryStep) {
    const what =
      step.kind === 'final'
        ? step.action === 'none' || step.action === 'stop-group'
          ? `final action ${step.action}`
          : `final action ${step.action} (not carried out by this version: do it by hand)`
        : `${step.kind} #${step.attempt}`;
    this.options.log.warn({ monitor: r.monitor, server: r.server, group, step }, `recovery: ${what}`);
    this.options.events.append({
      time: Date.now(),
      server: r.server,
      type: 'recovery',
      class: step.kind === 'final' && step.action !== 'none' ? 'fatal' : 'recoverable',
      monitor: r.monitor,
      summary: `recovery for ${r.monitor} on ${r.server}: ${what} of group ${group}`,
      fields: { group, step },
    });
  }
}
