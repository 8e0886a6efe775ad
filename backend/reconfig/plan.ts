/**
 * How an agent takes a new revision without restarting: most of the configuration applies
 * live, a few parts only at the agent's next start. The agent runs the *effective*
 * configuration: the new revision with those parts kept as they were at start.
 *
 * Why these parts wait for a restart:
 * - servers: their order numbers every ownership claim (groups/claims.ts) and their
 *   addresses are bound into heartbeat paths, BMC checks and peers' API URLs; a live change
 *   on some agents but not yet on others would let two servers number claims alike.
 * - interconnects, cluster.name, cluster.secret: heartbeat sockets and authentication;
 *   agents that changed them would no longer hear those that did not.
 * - watchdog: the device is opened (and armed) at start; api.tls: the certificate is loaded
 *   when the API server is created; traps.eventLog: the log is opened with its limits.
 *
 * Changes to a group that runs here (or is starting or stopping) take effect at its next
 * start: it keeps stopping with the resources it was started with.
 */
import type { AgentApplyReport, ConfigChange } from '../api/answers/config';
import { canonicalObject, type ClusterConfig } from '../config/model';
import { diffConfig } from './changes';

type Path = readonly [keyof ClusterConfig, ...string[]];

export const RESTART_ONLY: readonly Path[] = [
  ['servers'],
  ['interconnects'],
  ['cluster', 'name'],
  ['cluster', 'secret'],
  ['watchdog'],
  ['api', 'tls'],
  ['traps', 'eventLog'],
];

/** `next` with every restart-only part as in `boot` (the configuration the agent started with). */
export function effectiveConfig(boot: ClusterConfig, next: ClusterConfig): ClusterConfig {
  const out = canonicalObject(next) as Record<string, unknown>;
  const start = canonicalObject(boot) as Record<string, unknown>;
  for (const path of RESTART_ONLY) {
    let from: unknown = start;
    let to: Record<string, unknown> = out;
    for (const k of path.slice(0, -1)) {
      from = (from as Record<string, unknown>)[k];
      to = to[k] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const value = (from as Record<string, unknown>)[last];
    if (value === undefined) {
      delete to[last];
    } else {
      to[last] = value;
    }
  }
  return out as unknown as ClusterConfig;
}

export interface ReconfigPlan {
  effective: ClusterConfig;
  report: Omit<AgentApplyReport, 'server' | 'revision'>;
}

/**
 * running: what the agent runs now; next: the new revision; held(group): whether the group
 * is active here (starting, online, stopping), so that its change waits for its next start.
 */
export function planReconfiguration(input: {
  boot: ClusterConfig;
  running: ClusterConfig;
  next: ClusterConfig;
  held: (group: string) => boolean;
}): ReconfigPlan {
  const effective = effectiveConfig(input.boot, input.next);
  const applied: ConfigChange[] = [];
  const atNextStart: ConfigChange[] = [];
  for (const { item, ...c } of diffConfig(input.running, effective)) {
    const heldGroup = c.area === 'groups' && item !== undefined && input.held(item.name);
    if (heldGroup && item.kind === 'changed') {
      atNextStart.push({ ...c, summary: `${c.summary}: running here, takes effect at its next start` });
    } else if (heldGroup && item.kind === 'removed') {
      applied.push({ ...c, summary: `${c.summary}: stopped here` });
    } else {
      applied.push(c);
    }
  }
  const restartRequired = diffConfig(effective, input.next).map(({ item: _item, ...c }) => c);
  return { effective, report: { applied, atNextStart, restartRequired } };
}

/**
 * Why `next` must reach every server at once, or null. Heartbeat timing: a server cut off
 * during the apply would judge silence on the old timeout while the others count on the new
 * one (a shorter timeout there, a longer one here, lets a takeover start before this side
 * has stopped).
 */
export function needsEveryServer(running: ClusterConfig, next: ClusterConfig): string | null {
  const a = running.cluster.heartbeat;
  const b = next.cluster.heartbeat;
  return a.intervalMs === b.intervalMs && a.timeoutMs === b.timeoutMs
    ? null
    : 'a change of cluster.heartbeat must reach every server at once';
}
