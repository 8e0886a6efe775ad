/**
 * The agent API over real HTTP against three real agents: the access matrix, bad input,
 * cluster-wide configuration changes (stale, concurrent, with an agent down and its
 * catch-up), the CLI on top, and `promtool check metrics` on a live exposition.
 */
import { spawnSync } from 'node:child_process';
import { lifeline } from '../../support/cli';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { ip } from '../../support/isolation';

const SERVERS = ['server1', 'server2', 'server3'];

/** The cluster as first written; `variant` names a second group, so each change has new content. */
function clusterConfig(variant = 'initial') {
  return {
    cluster: {
      name: 'api',
      heartbeat: { intervalMs: 200, timeoutMs: 1000 },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: SERVERS.map((s, i) => ({ name: s, api: { address: ip(`127.0.0.${i + 1}`), port: 29611 } })),
    interconnects: [
      { type: 'lan', port: 29612, addresses: Object.fromEntries(SERVERS.map((s, i) => [s, ip(`127.0.0.${i + 1}`)])) },
    ],
    groups: [{ name: 'failover1' }, { name: variant }],
    monitors: [
      { name: 'userw', type: 'user-mode' },
      { name: 'mrw1', type: 'message-receive', category: 'APPNOTICE', keyword: 'db-down' },
    ],
  };
}

const agents: Record<string, RunningAgent> = {};

beforeAll(async () => {
  for (const s of SERVERS) {
    agents[s] = await startAgent(clusterConfig(), s);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
});

async function currentConfig(a: RunningAgent) {
  return (await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body as {
    revision: number;
    hash: string;
    config: Record<string, unknown>;
  };
}

async function put(a: RunningAgent, config: unknown, revision: number | undefined, token = a.tokens.admin) {
  const res = await fetch(`${a.url}/api/v1/config`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...(revision !== undefined ? { 'If-Match': `"${revision}"` } : {}),
    },
    body: JSON.stringify(config),
  });
  return { status: res.status, body: await res.json() };
}

describe('access control', () => {
  // [method, path, body, least role]; 'none' = open to all.
  const endpoints: Array<[string, string, unknown, 'none' | 'viewer' | 'operator' | 'admin']> = [
    ['GET', '/api/v1/healthz', undefined, 'none'],
    ['GET', '/api/v1/readyz', undefined, 'none'],
    ['GET', '/api/v1/status', undefined, 'viewer'],
    ['GET', '/api/v1/config', undefined, 'viewer'],
    ['POST', '/api/v1/config/validate', { cluster: {} }, 'viewer'],
    ['GET', '/api/v1/config/history', undefined, 'viewer'],
    ['GET', '/api/v1/events', undefined, 'viewer'],
    ['GET', '/api/v1/monitors', undefined, 'viewer'],
    ['GET', '/metrics', undefined, 'viewer'],
    ['GET', '/api/v1/metrics', undefined, 'viewer'],
    ['POST', '/api/v1/monitors/mrw1/clear', {}, 'operator'],
    ['POST', '/api/v1/notify', { category: 'NOTHING' }, 'operator'],
    ['GET', '/api/v1/groups', undefined, 'viewer'],
    ['GET', '/api/v1/groups/failover1', undefined, 'viewer'],
    ['POST', '/api/v1/groups/nope/start', {}, 'operator'],
    ['POST', '/api/v1/groups/nope/stop', {}, 'operator'],
    ['POST', '/api/v1/groups/nope/move', {}, 'operator'],
    ['PUT', '/api/v1/config', { not: 'a config' }, 'admin'],
    ['POST', '/api/v1/config/rollback', { revision: 999 }, 'admin'],
  ];
  const rank = { none: -1, viewer: 0, operator: 1, admin: 2 };

  test.each(endpoints)('%s %s', async (method, path, body, least) => {
    const a = agents.server1;
    const anonymous = await fetch(`${a.url}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    // 429 once this client has failed too often (the rate limit, tested below).
    if (least === 'none') {
      expect(anonymous.status).toBe(200);
    } else {
      expect([401, 429]).toContain(anonymous.status);
      expect(await anonymous.json()).toHaveProperty('error');
      expect([401, 429]).toContain((await a.request(method, path, body, 'llt_not-a-real-token')).status);
    }
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const r = await a.request(method, path, body, a.tokens[role]);
      if (rank[role] < rank[least]) {
        expect({ role, status: r.status }).toEqual({ role, status: 403 });
      } else {
        expect([401, 403]).not.toContain(r.status);
      }
    }
  });

  test('the internal two-phase endpoints take only the peer token, not an admin token', async () => {
    const a = agents.server1;
    const r = await a.request(
      'POST',
      '/api/v1/internal/config/abort',
      { revision: 5, hash: 'a'.repeat(64) },
      a.tokens.admin
    );
    expect(r).toMatchObject({ status: 403, body: { error: expect.stringMatching(/peer token/) } });
  });

  test('repeated failures from one client are rate-limited (429), valid tokens still pass', async () => {
    const a = agents.server1;
    let last = 0;
    for (let i = 0; i < 30; i++) {
      last = (await a.request('GET', '/api/v1/status', undefined, 'llt_guess')).status;
    }
    expect(last).toBe(429);
    expect((await a.request('GET', '/api/v1/status', undefined, a.tokens.viewer)).status).toBe(200);
  });

  test('failed authentications are counted', async () => {
    const metrics = (await agents.server1.request('GET', '/metrics', undefined, agents.server1.tokens.viewer))
      .body as string;
    expect(metrics).toMatch(/lifeline_api_auth_failures_total\{reason="unknown-token"\} [1-9]/);
    expect(metrics).toMatch(/lifeline_api_auth_failures_total\{reason="rate-limited"\} [1-9]/);
  });
});

describe('bad input is refused and nothing is applied', () => {
  test('malformed JSON -> 400', async () => {
    const a = agents.server1;
    const res = await fetch(`${a.url}/api/v1/config`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${a.tokens.admin}`, 'Content-Type': 'application/json', 'If-Match': '"1"' },
      body: '{"cluster": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'the request body is not valid JSON (an object or an array)' });
  });

  test('an invalid configuration -> 400 with every problem and its path; revision unchanged everywhere', async () => {
    const before = await currentConfig(agents.server1);
    const bad = clusterConfig();
    (bad.servers[1].api as { port: number }).port = 70000;
    (bad.groups[0] as { startupServers?: string[] }).startupServers = ['server9'];
    const r = await put(agents.server1, bad, before.revision);
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual([{ path: 'servers[1].api.port', message: 'port 70000 is out of range 1-65535' }]);
    for (const s of SERVERS) {
      expect((await currentConfig(agents[s])).revision).toBe(before.revision);
    }
  });

  test('validate is a dry run with paths', async () => {
    const r = await agents.server2.request(
      'POST',
      '/api/v1/config/validate',
      { ...clusterConfig(), monitors: [{ name: 'x', type: 'nope' }] },
      agents.server2.tokens.viewer
    );
    expect(r.body).toEqual({
      valid: false,
      problems: [{ path: 'monitors[0].type', message: 'must be "user-mode" or "message-receive"' }],
    });
  });

  test('If-Match is required (428) and a stale one is a conflict (409)', async () => {
    const c = await currentConfig(agents.server1);
    expect((await put(agents.server1, c.config, undefined)).status).toBe(428);
    expect((await put(agents.server1, c.config, c.revision - 1)).status).toBe(409);
  });
});

describe('cluster-wide configuration changes', () => {
  test('an apply reaches every agent with the same revision and hash', async () => {
    const c = await currentConfig(agents.server2);
    const r = await put(agents.server2, clusterConfig('second'), c.revision);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      revision: c.revision + 1,
      committed: expect.arrayContaining(SERVERS),
      unreachable: [],
    });
    for (const s of SERVERS) {
      expect(await currentConfig(agents[s])).toMatchObject({ revision: c.revision + 1, hash: r.body.hash });
    }
  });

  test('two concurrent applies on two agents: never both, the loser gets 409, all agents agree', async () => {
    const c = await currentConfig(agents.server1);
    const [a, b] = await Promise.all([
      put(agents.server1, clusterConfig('race-a'), c.revision),
      put(agents.server3, clusterConfig('race-b'), c.revision),
    ]);
    const statuses = [a.status, b.status].sort();
    // Each coordinator holds its own lease first, so when the two prepares cross, both may
    // lose (409, nothing stored, the client retries); they can never both win.
    expect([
      [200, 409],
      [409, 409],
    ]).toContainEqual(statuses);
    const views = await Promise.all(SERVERS.map((s) => currentConfig(agents[s])));
    expect(new Set(views.map((v) => `${v.revision}/${v.hash}`)).size).toBe(1);
    expect(views[0].revision).toBe(statuses[0] === 200 ? c.revision + 1 : c.revision);
  });

  test('an apply while one agent is down; the agent catches up when it returns', async () => {
    const down = agents.server3;
    down.child.kill('SIGKILL');
    await new Promise((r) => down.child.once('exit', r));
    const c = await currentConfig(agents.server1);
    const r = await put(agents.server1, clusterConfig('while-down'), c.revision);
    expect(r.status).toBe(200);
    expect(r.body.unreachable).toEqual(['server3']);
    agents.server3 = await startAgent(clusterConfig(), 'server3', { dir: down.dir });
    const caught = await eventually(
      async () => {
        const v = await currentConfig(agents.server3);
        return v.revision === r.body.revision ? v : undefined;
      },
      15_000,
      'server3 catching up'
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${agents.server3.logs().slice(-3000)}`);
    });
    expect(caught.hash).toBe(r.body.hash);
    expect((caught.config.groups as Array<{ name: string }>)[1].name).toBe('while-down');
  }, 60_000);

  test('lifeline config apply / history / rollback', async () => {
    const env = { LIFELINE_URL: agents.server1.url, LIFELINE_TOKEN: agents.server1.tokens.admin };
    const fs = await import('node:fs');
    const file = `${agents.server1.dir}/next.yaml`;
    fs.writeFileSync(file, JSON.stringify(clusterConfig('from-cli')));
    const applied = lifeline(['config', 'apply', file], { env });
    expect(applied).toMatchObject({
      stderr: '',
      code: 0,
      stdout: expect.stringMatching(/^applied revision \d+ \([0-9a-f]{12}\) on server1, server2, server3\n/),
    });
    // Then what each agent did with it, one line each.
    expect(applied.stdout.split('\n').slice(1, 4)).toEqual(
      ['server1', 'server2', 'server3'].map((s) =>
        expect.stringMatching(new RegExp(`^  ${s}: in effect: group \\S+ (added|removed|changed)`))
      )
    );
    const history = lifeline(['config', 'history'], { env });
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/^REVISION +HASH +APPLIED +SOURCE$/);
    expect(history.stdout.split('\n')[1]).toMatch(/api:test-admin/);
    const first = (await currentConfig(agents.server1)).revision;
    const back = lifeline(['config', 'rollback', '1'], { env });
    expect(back).toMatchObject({ code: 0 });
    const now = await currentConfig(agents.server2);
    expect(now.revision).toBe(first + 1);
    expect((now.config.groups as Array<{ name: string }>)[1].name).toBe('initial');
    expect(
      lifeline(['config', 'apply', file], { env: { ...env, LIFELINE_TOKEN: agents.server1.tokens.operator } }).code
    ).toBe(4);
  });
});

describe('operations and the cluster view', () => {
  test('any agent answers for the cluster: events of a peer through scope=cluster', async () => {
    const n = await agents.server2.request(
      'POST',
      '/api/v1/notify',
      { category: 'APPNOTICE', keyword: 'db-down', message: 'from server2' },
      agents.server2.tokens.operator
    );
    expect(n).toMatchObject({ status: 202, body: { monitors: ['mrw1'] } });
    const local = (
      await agents.server1.request('GET', '/api/v1/events?type=notify', undefined, agents.server1.tokens.viewer)
    ).body.events;
    expect(local.some((e: { summary: string }) => e.summary.includes('from server2'))).toBe(false);
    const cluster = (
      await agents.server1.request(
        'GET',
        '/api/v1/events?type=notify&scope=cluster',
        undefined,
        agents.server1.tokens.viewer
      )
    ).body;
    expect(cluster.unreachable).toEqual([]);
    expect(cluster.events.find((e: { summary: string }) => e.summary.includes('from server2'))).toMatchObject({
      origin: 'server2',
      server: 'server2',
      type: 'notify',
    });
    const cli = lifeline(['events', '--cluster', '--type', 'notify'], {
      env: { LIFELINE_URL: agents.server1.url, LIFELINE_TOKEN: agents.server1.tokens.viewer },
    });
    expect(cli.stdout).toMatch(
      /server2#\d+\s+fatal\s+server2\s+notify\s+notification APPNOTICE\/db-down: from server2/
    );
  });

  test('suspend, notify (no effect), resume, notify (error), clear', async () => {
    const a = agents.server1;
    const env = { LIFELINE_URL: a.url, LIFELINE_TOKEN: a.tokens.operator };
    expect(lifeline(['monitor', 'suspend', 'mrw1'], { env }).code).toBe(0);
    await a.request('POST', '/api/v1/notify', { category: 'APPNOTICE', keyword: 'db-down' }, a.tokens.operator);
    const status = async () =>
      (await a.request('GET', '/api/v1/monitors', undefined, a.tokens.viewer)).body.monitors.find(
        (m: { monitor: string; server: string }) => m.monitor === 'mrw1' && m.server === 'server1'
      ).status;
    expect(await status()).toBe('suspended');
    expect(lifeline(['monitor', 'resume', 'mrw1'], { env }).code).toBe(0);
    await a.request('POST', '/api/v1/notify', { category: 'APPNOTICE', keyword: 'db-down' }, a.tokens.operator);
    expect(await status()).toBe('error');
    expect(lifeline(['monitor', 'clear', 'mrw1'], { env }).code).toBe(0);
    expect(await status()).toBe('normal');
  });
});

describe('monitors in the status and in GET /monitors', () => {
  test('the status has one entry per monitor with the servers where it is not normal; /monitors filters', async () => {
    const a = agents.server1;
    const viewer = a.tokens.viewer;
    await a.request('POST', '/api/v1/notify', { category: 'APPNOTICE', keyword: 'db-down' }, a.tokens.operator);
    try {
      const status = (await a.request('GET', '/api/v1/status', undefined, viewer)).body;
      expect(status.monitors).toEqual([
        {
          name: 'userw',
          status: 'normal',
          counts: { normal: 3, warning: 0, error: 0, suspended: 0 },
          notNormal: [],
        },
        {
          name: 'mrw1',
          status: 'error',
          counts: { normal: 2, warning: 0, error: 1, suspended: 0 },
          notNormal: [
            {
              server: 'server1',
              status: 'error',
              since: expect.any(Number),
              reason: expect.any(String),
              origin: 'server1',
              stale: false,
            },
          ],
        },
      ]);

      const list = async (query: string) =>
        (await a.request('GET', `/api/v1/monitors${query}`, undefined, viewer)).body;
      expect((await list('')).monitors).toHaveLength(6);
      expect((await list('?status=error')).monitors).toEqual([
        expect.objectContaining({ monitor: 'mrw1', server: 'server1', status: 'error' }),
      ]);
      const onServer2 = (await list('?server=server2')).monitors;
      expect(onServer2.map((m: { monitor: string; server: string }) => [m.monitor, m.server])).toEqual([
        ['userw', 'server2'],
        ['mrw1', 'server2'],
      ]);
      expect((await list('?monitor=mrw1&status=normal')).monitors).toHaveLength(2);
      expect(await a.request('GET', '/api/v1/monitors?status=broken', undefined, viewer)).toMatchObject({
        status: 400,
        body: { problems: [{ path: 'status' }] },
      });

      const env = { LIFELINE_URL: a.url, LIFELINE_TOKEN: viewer };
      const table = lifeline(['status'], { env });
      expect(table.code).toBe(6);
      expect(table.stdout).toMatch(/^ {2}userw +normal +3 normal$/m);
      expect(table.stdout).toMatch(/^ {2}mrw1 +error +1 error, 2 normal$/m);
      expect(table.stdout).toMatch(/^ {4}server1 +error +\d\d:\d\d:\d\d +\S/m);
      expect(table.stdout).toContain('  - monitor mrw1 on server1 is in error');
      expect(lifeline(['monitor', 'list', '--status', 'error'], { env }).stdout).toMatch(
        /^MONITOR +SERVER +STATUS +REASON\nmrw1 +server1 +error /
      );
    } finally {
      await a.request('POST', '/api/v1/monitors/mrw1/clear', {}, a.tokens.operator);
    }
  });

  test('the status carries an ETag; If-None-Match with it answers 304 while the snapshot is unchanged', async () => {
    const a = agents.server1;
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${a.url}/api/v1/status`, { headers: { Authorization: `Bearer ${a.tokens.viewer}`, ...headers } });
    const first = await get();
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[\w-]+"$/); // weak: ages and samples in the body are not covered
    expect(first.headers.get('cache-control')).toBe('no-cache');
    // The snapshot is rendered anew every 100 ms; a request right after another usually shares it.
    let revalidated: Response | undefined;
    for (let i = 0; i < 20 && revalidated?.status !== 304; i++) {
      const current = (await get()).headers.get('etag')!;
      // fetch adds `Cache-Control: no-cache` (a forced reload) to conditional requests unless told otherwise.
      revalidated = await get({ 'If-None-Match': current, 'Cache-Control': 'max-age=0' });
    }
    expect(revalidated!.status).toBe(304);
    expect(await revalidated!.text()).toBe('');
    expect((await get({ 'If-None-Match': '"not-this-one"', 'Cache-Control': 'max-age=0' })).status).toBe(200);
  });
});

test('promtool check metrics passes on a live exposition', async () => {
  const text = (await agents.server1.request('GET', '/metrics', undefined, agents.server1.tokens.viewer))
    .body as string;
  expect(text).toContain('lifeline_build_info');
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect({ code: r.status, out: `${r.stdout}${r.stderr}` }).toEqual({ code: 0, out: '' });
});
