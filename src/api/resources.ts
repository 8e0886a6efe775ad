/**
 * The resources the pages read, each a schema of backend/api/answers and a cache key. The
 * status is read at most every 200 ms (Resource's default spacing): at one change per 100 ms
 * the pages follow at 5 updates a second and stay responsive.
 */
import {
  clusterStatus,
  configAnswer,
  configHistoryAnswer,
  eventsAnswer,
  groupsAnswer,
  groupView,
  monitorsAnswer,
  type ClusterStatusAnswer,
  type EventsAnswer,
  type GroupViewAnswer,
  type MonitorStateAnswer,
  type ConfigAnswer,
} from '../../backend/api/answers';
import type { ClusterClient } from './client';
import { Resource, type ResourceCache } from './store';

export interface EventFilter {
  server?: string;
  type?: string;
  class?: string;
  from?: number;
  to?: number;
  before?: number;
  limit?: number;
}

export function eventsQuery(f: EventFilter): string {
  const q = new URLSearchParams({ scope: 'cluster' });
  for (const [k, v] of Object.entries(f)) {
    if (v !== undefined && v !== '') {
      q.set(k, String(v));
    }
  }
  return `/events?${q.toString()}`;
}

export const resources = {
  status: (c: ClusterClient, cache: ResourceCache) =>
    cache.get<ClusterStatusAnswer>(
      'status',
      () =>
        new Resource(async () => {
          const r = await c.get('/status', clusterStatus);
          c.serverOf.set(r.agent, r.data.self);
          return r;
        })
    ),
  /** One group as the agent of `server` reports it (its resources there), or any agent. */
  groupOn: (c: ClusterClient, cache: ResourceCache, group: string, server: string | null) =>
    cache.get<{ group: GroupViewAnswer; from: string | null }>(
      `groups:${group}@${server ?? ''}`,
      () =>
        new Resource(async () => {
          const status = resources.status(c, cache).getSnapshot().data;
          const addresses = status?.servers.find((x) => x.name === server)?.paths.map((p) => p.address) ?? [];
          const agent = server === null ? undefined : c.agentOf(server, addresses);
          const path = `/groups/${encodeURIComponent(group)}`;
          const r = agent === undefined ? await c.get(path, groupView) : await c.getFrom(agent, path, groupView);
          const from = c.serverOf.get(r.agent) ?? (r.agent === agent ? server : null);
          return { data: { group: r.data, from }, agent: r.agent };
        }, 500)
    ),
  groups: (c: ClusterClient, cache: ResourceCache) =>
    cache.get<GroupViewAnswer[]>(
      'groups',
      () =>
        new Resource(async () => {
          const r = await c.get('/groups', groupsAnswer);
          return { data: r.data.groups, agent: r.agent };
        })
    ),
  monitors: (c: ClusterClient, cache: ResourceCache) =>
    cache.get<MonitorStateAnswer[]>(
      'monitors',
      () =>
        new Resource(async () => {
          const r = await c.get('/monitors', monitorsAnswer);
          return { data: r.data.monitors, agent: r.agent };
        }, 500)
    ),
  events: (c: ClusterClient, cache: ResourceCache, filter: EventFilter) => {
    const path = eventsQuery(filter);
    // A cluster-scope read asks every peer too: at most once a second, and a long one (the
    // Failovers page's 1,000 events) every 5 s, however many events the stream brings.
    const spacing = (filter.limit ?? 100) > 200 ? 5000 : 1000;
    return cache.get<EventsAnswer>(`events:${path}`, () => new Resource(() => c.get(path, eventsAnswer), spacing));
  },
  config: (c: ClusterClient, cache: ResourceCache) =>
    cache.get<ConfigAnswer>('config', () => new Resource(() => c.get('/config', configAnswer))),
  configHistory: (c: ClusterClient, cache: ResourceCache) =>
    cache.get('config-history', () => new Resource(() => c.get('/config/history', configHistoryAnswer))),
};
