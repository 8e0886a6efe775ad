/**
 * When a silent server's groups may start elsewhere. Silence alone proves nothing: a
 * server that is frozen, cut off or whose agent was killed may still run its resources.
 * Only three things make a takeover safe, and which one a cluster has is its settle mode:
 *
 * - fencing: the survivors power the silent server off (or reset it) through its BMC and
 *   read the power state back; its groups start elsewhere only after that confirmation.
 * - watchdog: every server pets a watchdog while it may hold groups. A server that stops
 *   hearing its peers stops its groups (partition loser, stall) and, if it cannot within
 *   its stop budget, stops petting; a frozen one cannot pet. Either way, by
 *   `lastHeard + takeoverDelayMs` its resources are stopped or its host was reset
 *   (SBD's "watchdog timeout x 2" rule, made exact).
 * - none: nothing guarantees it. A silent, powered-on server keeps its groups
 *   (`unreachable`) until an operator confirms it is down (`lifeline server confirm-down`).
 *
 * A BMC that reports the power off is proof in every mode (nothing runs without power).
 */
import type { ClusterConfig } from '../config/model';
import { startupServers } from '../groups/placement';
import { KILL_GRACE_MS } from '../groups/resources/exec';
import { FLOATING_IP_WORST_MS } from '../groups/resources/floating-ip';

export type SettleMode = 'fencing' | 'watchdog' | 'none';

export function settleMode(config: Pick<ClusterConfig, 'fencing' | 'watchdog'>): SettleMode {
  if (config.fencing.action !== 'none') {
    return 'fencing';
  }
  return config.watchdog ? 'watchdog' : 'none';
}

/**
 * The longest `server` can take to stop every group it may hold, one after the other
 * (LocalGroups stops them in turn): each resource's stop timeout plus the KILL grace.
 */
export function stopBudgetMs(config: Pick<ClusterConfig, 'servers' | 'groups'>, server: string): number {
  let total = 0;
  for (const g of config.groups) {
    if (!startupServers(config, g).includes(server)) {
      continue;
    }
    for (const r of g.resources) {
      total += r.type === 'exec' ? r.timeoutMs + KILL_GRACE_MS : FLOATING_IP_WORST_MS;
    }
  }
  return total;
}

/**
 * How long after a server was last heard a loser must have stopped its groups, or else
 * stopped petting its watchdog: it notices the silence one heartbeat timeout after the
 * last packet got through, then stops what it holds.
 */
export function selfStopDeadlineMs(config: ClusterConfig, server: string): number {
  return config.cluster.heartbeat.timeoutMs + stopBudgetMs(config, server);
}

/**
 * In watchdog mode: how long after `server` was last heard its groups may start elsewhere.
 * Its host has been reset by then if it did not stop them: the watchdog fires at most
 * `watchdog.timeoutMs` after the last pet, and the last pet is no later than its stop
 * deadline. Two heartbeat intervals of margin cover the tick that notices it.
 */
export function takeoverDelayMs(config: ClusterConfig, server: string): number {
  const w = config.watchdog?.timeoutMs ?? 0;
  return selfStopDeadlineMs(config, server) + w + 2 * config.cluster.heartbeat.intervalMs;
}
