/**
 * What a monitor's error should do, decided without I/O: the request (monitor, server in
 * error) and where the groups run go in, the step comes out (nothing, a group request for
 * the decider, or a final action on a server). The agent's recovery (agent/recovery.ts)
 * only carries it out.
 *
 * A group target is acted on only when the group runs on the server in error: a fatal
 * event from a server that runs nothing needs no failover, and must not use up the ladder.
 * The group request names that server (`from`), so the decider refuses it once the group
 * has moved: the same error reported through several agents moves the group once.
 */
import type { ClusterConfig, Group } from '../config/model';
import type { GroupRequest } from '../controller/request';
import { clusterGroups, type PlacementInput } from '../groups/placement';
import type { RecoveryLadder, RecoveryStep } from './ladder';

type Recovery = ClusterConfig['monitors'][number]['recovery'];

export type RecoveryPlan =
  | { kind: 'none'; why: string }
  | { kind: 'group'; step: RecoveryStep; group: string; request: GroupRequest }
  | { kind: 'server'; step: RecoveryStep & { kind: 'final' }; group: string | null };

/** The group a recovery acts on: the target group, or the group holding the target resource. */
export function targetGroup(config: Pick<ClusterConfig, 'groups'>, recovery: Recovery): Group | undefined {
  if (recovery.targetType === 'group') {
    return config.groups.find((g) => g.name === recovery.target);
  }
  if (recovery.targetType === 'resource') {
    return config.groups.find((g) => g.resources.some((r) => r.name === recovery.target));
  }
  return undefined;
}

/** The step for monitor `monitor` in error on `server`; takes it from the ladder when one is due. */
export function planRecovery(
  config: Pick<ClusterConfig, 'monitors' | 'groups'>,
  placement: PlacementInput,
  ladder: RecoveryLadder,
  monitor: string,
  server: string
): RecoveryPlan {
  const m = config.monitors.find((x) => x.name === monitor);
  if (!m) {
    return { kind: 'none', why: `no monitor is named "${monitor}"` };
  }
  const recovery = m.recovery;
  if (recovery.targetType === 'local-server') {
    return { kind: 'server', step: { kind: 'final', action: recovery.finalAction }, group: null };
  }
  const group = targetGroup(config, recovery);
  const where = group && clusterGroups(placement).find((g) => g.name === group.name);
  if (!group || where?.currentServer !== server) {
    return { kind: 'none', why: 'the target group does not run on the server in error' };
  }
  const step = ladder.next(monitor, server, recovery);
  const requestedBy = `recovery:${monitor}`;
  const name = group.name;
  if (step.kind === 'restart') {
    return { kind: 'group', step, group: name, request: { op: 'restart', group: name, requestedBy, from: server } };
  }
  if (step.kind === 'failover') {
    const request: GroupRequest = { op: 'move', group: name, requestedBy, event: 'FAILOVER', from: server };
    return { kind: 'group', step, group: name, request };
  }
  if (step.action === 'stop-group') {
    return { kind: 'group', step, group: name, request: { op: 'stop', group: name, requestedBy } };
  }
  return { kind: 'server', step, group: name };
}
