/**
 * Every endpoint with every kind of caller, against two real agents: no token, a wrong token,
 * a token named "peer" (refused by the agent, so just another wrong token), viewer, operator,
 * admin, and the peer token derived from the cluster secret. A denied call answers 401 or 403
 * (400 for a body that is not a JSON object or array: the body's format is checked before the
 * role) and changes nothing (configuration, groups and their resources, monitors, the event
 * log, on both agents), even with a body that would change state if it were allowed; an allowed
 * call with a random body never answers 401/403 or 500. Each request comes from a client
 * address of its own, so the failed-authentication limit (429) stays out of the picture.
 */
import { peerToken } from '../../../backend/api/peer-token';
import { createToken } from '../../../backend/api/tokens';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { clientAddress, openStream, raw } from '../../support/http';
import { loopbackCluster } from '../../support/cluster';
import { Markers } from '../../support/markers';
import { prng, randInt } from '../../support/prng';

const SERVERS = ['server1', 'server2'];
const markers = new Markers();
const config = {
  ...loopbackCluster({ name: 'fuzz', servers: 2, apiPort: 29761, lanPorts: [29762] }),
  groups: [{ name: 'failover1', resources: [markers.resource('failover1')] }],
  monitors: [{ name: 'mrw1', type: 'message-receive', category: 'APPNOTICE', keyword: 'db-down' }],
};

type Least = 'none' | 'viewer' | 'operator' | 'admin' | 'peer';
type Caller = 'anonymous' | 'wrong' | 'named-peer' | 'viewer' | 'operator' | 'admin' | 'peer';
const CALLERS: Caller[] = ['anonymous', 'wrong', 'named-peer', 'viewer', 'operator', 'admin', 'peer'];
const RANK: Record<Caller, number> = {
  anonymous: -1,
  wrong: -1,
  'named-peer': -1,
  viewer: 0,
  operator: 1,
  admin: 2,
  peer: 3,
};
const LEAST: Record<Least, number> = { none: -1, viewer: 0, operator: 1, admin: 2, peer: 3 };

const agents: Record<string, RunningAgent> = {};
let next = 0;
const from = () => clientAddress(next++);

beforeAll(async () => {
  for (const s of SERVERS) {
    agents[s] = await startAgent(config, s);
  }
  await eventually(() => (markers.running('failover1').length === 1 ? true : undefined), 10_000, 'failover1 online');
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
  markers.dispose();
});

function tokenOf(a: RunningAgent, c: Caller): string | undefined {
  switch (c) {
    case 'anonymous':
      return undefined;
    case 'wrong':
      return 'llt_wrong-token';
    case 'named-peer':
      return createToken('peer', 'admin').token;
    case 'peer':
      return peerToken('test-cluster-secret');
    default:
      return a.tokens[c];
  }
}

/** [method, path, least caller, a body that changes state if the call is allowed] */
async function endpoints(): Promise<Array<[string, string, Least, unknown]>> {
  const a = agents.server1;
  const current = (await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body;
  const changed = { ...current.config, groups: [...current.config.groups, { name: 'intruder' }] };
  const proposal = {
    base: current.revision,
    revision: current.revision + 1,
    hash: current.hash,
    config: changed,
    coordinator: 'server2',
  };
  return [
    ['GET', '/api/v1/healthz', 'none', undefined],
    ['GET', '/api/v1/readyz', 'none', undefined],
    ['GET', '/api/v1/status', 'viewer', undefined],
    ['GET', '/api/v1/config', 'viewer', undefined],
    ['GET', '/api/v1/config?revision=1', 'viewer', undefined],
    ['POST', '/api/v1/config/validate', 'viewer', changed],
    ['GET', '/api/v1/config/history', 'viewer', undefined],
    ['PUT', '/api/v1/config', 'admin', changed],
    ['POST', '/api/v1/config/rollback', 'admin', { revision: 1 }],
    ['GET', '/api/v1/events', 'viewer', undefined],
    ['GET', '/api/v1/events?scope=cluster', 'viewer', undefined],
    ['GET', '/api/v1/events/stream', 'viewer', undefined],
    ['GET', '/api/v1/monitors', 'viewer', undefined],
    ['POST', '/api/v1/monitors/mrw1/clear', 'operator', { server: 'server1' }],
    ['POST', '/api/v1/monitors/mrw1/suspend', 'operator', undefined],
    ['POST', '/api/v1/monitors/mrw1/resume', 'operator', undefined],
    ['POST', '/api/v1/notify', 'operator', { category: 'APPNOTICE', keyword: 'db-down', message: 'intruder' }],
    ['GET', '/api/v1/groups', 'viewer', undefined],
    ['GET', '/api/v1/groups/failover1', 'viewer', undefined],
    ['POST', '/api/v1/groups/failover1/stop?wait=5', 'operator', {}],
    ['POST', '/api/v1/groups/failover1/start?wait=5', 'operator', {}],
    ['POST', '/api/v1/groups/failover1/move?wait=5', 'operator', { server: 'server2' }],
    ['GET', '/metrics', 'viewer', undefined],
    ['GET', '/api/v1/metrics', 'viewer', undefined],
    ['POST', '/api/v1/internal/config/prepare', 'peer', proposal],
    ['POST', '/api/v1/internal/config/commit', 'peer', { revision: current.revision + 1, hash: current.hash }],
    ['POST', '/api/v1/internal/config/abort', 'peer', { revision: current.revision + 1, hash: current.hash }],
    ['POST', '/api/v1/internal/groups/failover1/stop', 'peer', { event: 'STOP', requestedBy: 'api:intruder' }],
    ['POST', '/api/v1/internal/groups/failover1/start', 'peer', { event: 'START', requestedBy: 'api:intruder' }],
    ['POST', '/api/v1/internal/leaving', 'peer', { server: 'server2', incarnation: '1' }],
  ];
}

async function call(
  a: RunningAgent,
  method: string,
  path: string,
  caller: Caller,
  body?: string,
  type = 'application/json'
) {
  const token = tokenOf(a, caller);
  if (path.endsWith('/events/stream')) {
    const s = await openStream(a.url, token, from());
    s.req.destroy();
    return s.status;
  }
  const r = await raw(a.url, {
    method,
    path,
    token,
    from: from(),
    ...(body !== undefined
      ? { body, headers: { 'Content-Type': type, 'If-Match': '"1"' } }
      : { headers: { 'If-Match': '"1"' } }),
  });
  return r.status;
}

/** Everything a denied call must leave as it was, on both agents. */
async function snapshot() {
  return Promise.all(
    SERVERS.map(async (s) => {
      const a = agents[s];
      const get = async (p: string) => (await a.request('GET', p, undefined, a.tokens.viewer)).body;
      const cfg = await get('/api/v1/config');
      return {
        config: [cfg.revision, cfg.hash],
        history: (await get('/api/v1/config/history')).revisions.length,
        groups: (await get('/api/v1/groups')).groups.map((g: any) => [
          g.name,
          g.state,
          g.currentServer,
          g.operation ?? null,
        ]),
        monitors: (await get('/api/v1/monitors')).monitors.map((m: any) => [m.monitor, m.server, m.status]),
        lastEvent: (await get('/api/v1/events?limit=1')).events[0]?.id ?? 0,
        markers: markers.all(),
      };
    })
  );
}

/** Random bodies: JSON of every shape, wrong types, big and odd strings. */
function fuzzBodies(rand: () => number, n: number): string[] {
  const atoms = [
    null,
    true,
    0,
    -1,
    1e308,
    '',
    'x'.repeat(randInt(rand, 1, 5000)),
    '\u0000\ud800',
    '../../etc/passwd',
    'server2',
  ];
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const value = (depth: number): unknown => {
    const k = randInt(rand, 0, depth > 3 ? 0 : 3);
    if (k === 0) {
      return pick(atoms);
    }
    if (k === 1) {
      return Array.from({ length: randInt(rand, 0, 4) }, () => value(depth + 1));
    }
    const keys = [
      'server',
      'revision',
      'hash',
      'config',
      'category',
      'keyword',
      'event',
      'requestedBy',
      'incarnation',
      '__proto__',
      'constructor',
    ];
    return Object.fromEntries(Array.from({ length: randInt(rand, 0, 5) }, () => [pick(keys), value(depth + 1)]));
  };
  return Array.from({ length: n }, () => JSON.stringify(value(0)));
}

test('denied calls answer 401/403 and change nothing, whatever the body', async () => {
  const list = await endpoints();
  const before = await snapshot();
  const rand = prng(10);
  const wrong: string[] = [];
  for (const [method, path, least, body] of list) {
    for (const caller of CALLERS.filter((c) => RANK[c] < LEAST[least])) {
      const bodies = body === undefined ? [undefined] : [JSON.stringify(body), ...fuzzBodies(rand, 2)];
      for (const b of bodies) {
        for (const a of Object.values(agents)) {
          const status = await call(a, method, path, caller, b);
          // Authentication, then the body's format, then the role: a body that is not a JSON
          // object or array is refused as such (400) before the role is looked at.
          const expected = RANK[caller] < 0 ? 401 : b !== undefined && !/^[[{]/.test(b) ? 400 : 403;
          if (status !== expected) {
            wrong.push(`${caller} ${method} ${path} on ${a.url}: ${status}, expected ${expected}`);
          }
        }
      }
      // A body in another format is refused before anything else, too.
      if (body !== undefined) {
        const status = await call(agents.server1, method, path, caller, JSON.stringify(body), 'text/plain');
        if (status !== 401 && status !== 403 && status !== 415) {
          wrong.push(`${caller} ${method} ${path} text/plain: ${status}`);
        }
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(await snapshot()).toEqual(before);
}, 120_000);

test('allowed calls with random bodies never answer 401, 403 or 500, and the agents stay up', async () => {
  const list = await endpoints();
  const rand = prng(11);
  const wrong: string[] = [];
  for (const [method, path, least] of list) {
    for (const caller of CALLERS.filter((c) => RANK[c] >= LEAST[least])) {
      const bodies = method === 'GET' ? [undefined] : fuzzBodies(rand, 3);
      for (const b of bodies) {
        const status = await call(agents.server1, method, path, caller, b);
        if (status === 401 || status === 403 || (status >= 500 && status !== 503)) {
          wrong.push(`${caller} ${method} ${path} ${b?.slice(0, 80)}: ${status}`);
        }
      }
    }
  }
  expect(wrong).toEqual([]);
  for (const a of Object.values(agents)) {
    expect(a.child.exitCode).toBeNull();
    expect((await a.request('GET', '/api/v1/status', undefined, a.tokens.viewer)).status).toBe(200);
  }
}, 120_000);
