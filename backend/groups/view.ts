/**
 * A group as the API and status show it: the cluster-wide placement (where it runs, as
 * this agent sees it) with this server's own detail (resources, last reason) and the
 * operation this agent is coordinating on it, if any.
 */
import type { LocalGroupStatus, ResourceStatus } from './local-groups';
import type { GroupOperation } from './operations';
import { clusterGroups, type ClusterGroup, type PlacementInput } from './placement';

export interface GroupView extends ClusterGroup {
  /** This server's own detail: when its local state began and why. */
  localSince: number;
  localReason: string;
  resources: ResourceStatus[];
  /** An operation this agent is coordinating on the group now. */
  operation: GroupOperation | null;
}

export function groupViews(input: PlacementInput, running: (group: string) => GroupOperation | undefined): GroupView[] {
  const local = new Map<string, LocalGroupStatus>(input.local.map((l) => [l.group, l]));
  return clusterGroups(input).map((g) => {
    const l = local.get(g.name);
    return {
      ...g,
      localSince: l?.since ?? 0,
      localReason: l?.reason ?? '',
      resources: l?.resources ?? [],
      operation: running(g.name) ?? null,
    };
  });
}
