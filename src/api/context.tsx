import React, { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { AgentPool, type PoolState } from './agents';
import { ClusterClient, type ClientOptions } from './client';
import { LiveUpdates, type LiveOptions, type LiveState } from './live';
import { ResourceCache, type Resource, type Snapshot } from './store';

/** Everything the pages share: one client, one cache, one live stream per mounted app. */
export interface Api {
  pool: AgentPool;
  client: ClusterClient;
  cache: ResourceCache;
  live: LiveUpdates;
}

export function createApi(
  agentUrls: string[],
  o: { client?: ClientOptions; live?: LiveOptions; deadMs?: number } = {}
): Api {
  const pool = new AgentPool(agentUrls, o.deadMs);
  const client = new ClusterClient(pool, o.client);
  const cache = new ResourceCache();
  const live = new LiveUpdates(client, cache, o.live);
  return { pool, client, cache, live };
}

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ api, children }: { api: Api; children: React.ReactNode }) {
  useEffect(() => {
    api.live.start();
    return () => api.live.stop();
  }, [api]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) {
    throw new Error('useApi outside ApiProvider');
  }
  return api;
}

/** A resource's snapshot; reading starts when the first component shows it. */
export function useResource<T>(pick: (api: Api) => Resource<T>): Snapshot<T> {
  const api = useApi();
  // `pick` is a new function each render; the resource it picks is stable per key.
  const resource = pick(api);
  const snap = useSyncExternalStore(resource.subscribe, resource.getSnapshot);
  useEffect(() => {
    if (resource.getSnapshot().fetchedAt === undefined || resource.getSnapshot().error) {
      void resource.refresh();
    }
  }, [resource]);
  return snap;
}

export function usePool(): PoolState & { urls: string[] } {
  const { pool } = useApi();
  const state = useSyncExternalStore(pool.subscribe, pool.snapshot);
  return useMemo(() => ({ ...state, urls: pool.agents.map((a) => a.url) }), [state, pool]);
}

export function useLive(): LiveState {
  const { live } = useApi();
  return useSyncExternalStore(live.subscribe, live.getSnapshot);
}
