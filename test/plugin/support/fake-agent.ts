/**
 * One fake agent of a two-server cluster, from answers recorded from the real demo cluster
 * (test/plugin/fixtures/, `npm run demo`): what the pages read, and group operations that
 * change what it answers next.
 */
import status from '../fixtures/status.json';
import groups from '../fixtures/groups.json';
import monitors from '../fixtures/monitors.json';
import events from '../fixtures/events-failover.json';
import history from '../fixtures/config-history.json';
import config from '../fixtures/config.json';
import type { FakeRequest, Handler, Reply } from './fake-fetch';

export type ClusterState = {
  status: typeof status;
  groups: typeof groups;
  monitors: typeof monitors;
  events: typeof events;
};

export function clusterState(): ClusterState {
  return JSON.parse(JSON.stringify({ status, groups, monitors, events }));
}

/** An agent answering from `state` as server `self`; `override` answers first when it returns a reply. */
export function fakeAgent(
  state: ClusterState,
  self = 'server1',
  override?: (req: FakeRequest) => Reply | undefined
): Handler {
  return (req) => {
    const o = override?.(req);
    if (o) {
      return o;
    }
    const path = req.path.split('?')[0];
    if (req.method === 'GET') {
      switch (path) {
        case '/status':
          return {
            body: {
              ...state.status,
              self,
              servers: state.status.servers.map((s) => ({ ...s, self: s.name === self })),
            },
            headers: { ETag: `"${JSON.stringify(state.status).length}"` },
          };
        case '/groups':
          return { body: state.groups };
        case '/monitors':
          return { body: state.monitors };
        case '/events':
          return { body: state.events };
        case '/config':
          return { body: config, headers: { ETag: `"${config.revision}"` } };
        case '/config/history':
          return { body: history };
      }
      const g = /^\/groups\/([^/]+)$/.exec(path);
      if (g) {
        const found = state.groups.groups.find((x) => x.name === decodeURIComponent(g[1]));
        return found ? { body: found } : { status: 404, body: { error: 'no group' } };
      }
    }
    const op = /^\/groups\/([^/]+)\/(start|stop|move)$/.exec(path);
    if (req.method === 'POST' && op) {
      const name = decodeURIComponent(op[1]);
      const target = (req.body as { server?: string }).server;
      const group = state.status.groups.find((x) => x.name === name);
      if (!group) {
        return { status: 404, body: { error: `no group is named "${name}"` } };
      }
      if (op[2] === 'move' && group.currentServer === target) {
        return { status: 409, body: { error: `group ${name} already runs on ${target}` } };
      }
      const from = group.currentServer;
      const to = op[2] === 'stop' ? null : (target ?? group.startupServers[0]);
      moveTo(state, name, to);
      const steps = [
        ...(from && op[2] !== 'start' ? [{ server: from, action: 'stop', ok: true, detail: 'stopped' }] : []),
        ...(to ? [{ server: to, action: 'start', ok: true, detail: 'started' }] : []),
      ];
      return {
        body: { group: name, operation: op[2], ok: true, server: to, detail: `${op[2]} done`, steps, done: true },
      };
    }
    return { status: 404, body: { error: `fake agent: no ${req.method} ${path}` } };
  };
}

export function moveTo(state: ClusterState, group: string, server: string | null): void {
  for (const g of [...state.status.groups, ...state.groups.groups]) {
    if (g.name === group) {
      g.currentServer = server;
      g.holders = server ? [server] : [];
      g.state = server ? 'online' : 'offline';
    }
  }
}
