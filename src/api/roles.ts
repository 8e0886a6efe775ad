import { config } from '@grafana/runtime';

/**
 * What the signed-in Grafana user may do, as Grafana's proxy will enforce it (reqRole on
 * the routes, contract C): Editor reaches the operator routes, Admin the admin ones. A
 * Grafana server admin passes every reqRole. The console hides what the proxy would refuse.
 */
export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';

export interface Abilities {
  role: GrafanaRole;
  /** Start, stop, move groups; clear, suspend, resume monitors. */
  operate: boolean;
  /** Write the cluster configuration. */
  administer: boolean;
}

export function currentAbilities(): Abilities {
  const user = config.bootData?.user as { orgRole?: string; isGrafanaAdmin?: boolean } | undefined;
  const org = user?.orgRole;
  const role: GrafanaRole = user?.isGrafanaAdmin || org === 'Admin' ? 'Admin' : org === 'Editor' ? 'Editor' : 'Viewer';
  return { role, operate: role !== 'Viewer', administer: role === 'Admin' };
}
