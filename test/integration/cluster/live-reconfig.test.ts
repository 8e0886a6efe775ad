/**
 * A revision applied through PUT /config takes effect on three real agents without a
 * restart (loopback, 200 ms / 1 s): a BMCNOTICE monitor added receives traps on its new
 * endpoint, a group removed is stopped where it ran, a heartbeat timeout changes failure
 * detection, a token added works at once, and a change that needs a restart is named by
 * every agent (and no longer once undone).
 */
import fs from 'node:fs';
import { createToken } from '../../../backend/api/tokens';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline, sendPet } from '../../support/cli';
import { loopbackCluster, signal, sleep, status } from '../../support/cluster';
import { ip } from '../../support/isolation';
import { Markers } from '../../support/markers';

const TRAP_PORT = 10772;
const SOURCE = ip('127.0.3.1');
const markers = new Markers();
const base = {
  ...loopbackCluster({ name: 'live', servers: 3, apiPort: 29771, lanPorts: [29772] }),
  groups: [{ name: 'web', resources: [markers.resource('web')] }],
  traps: { allowSources: [SOURCE] },
  monitors: [{ name: 'userw', type: 'user-mode', intervalMs: 1000 }],
};

const agents: RunningAgent[] = [];
const [server1, server2, server3] = [0, 1, 2].map((i) => () => agents[i]);

async function current(a: RunningAgent) {
  const r = await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer);
  return r.body as { revision: number; config: any };
}

/** GET, edit, PUT with If-Match through server1, as the editor does. */
async function change(edit: (c: any) => void) {
  const { revision, config } = await current(server1());
  edit(config);
  return server1().request('PUT', '/api/v1/config', config, server1().tokens.admin, { 'If-Match': `"${revision}"` });
}

const summaries = (r: { body: any }, field: 'applied' | 'atNextStart' | 'restartRequired') =>
  Object.fromEntries(
    (r.body.agents as any[]).map((a) => [a.server, (a[field] as Array<{ summary: string }>).map((c) => c.summary)])
  );

beforeAll(async () => {
  for (const n of [1, 2, 3]) {
    agents.push(await startAgent(base, `server${n}`));
  }
  await eventually(
    async () => ((await status(server1())).servers.every((s) => s.state === 'online') ? true : undefined),
    10_000
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  fs.rmSync(markers.dir, { recursive: true, force: true });
});

test('a BMCNOTICE monitor added through PUT /config receives traps at once, on every agent', async () => {
  const keyword = (n: number) => `${ip(`127.0.0.${n}`)}:${TRAP_PORT}`;
  const r = await change((c) => {
    c.monitors.push({
      name: 'mrw-new',
      type: 'message-receive',
      category: 'BMCNOTICE',
      perServer: Object.fromEntries([1, 2, 3].map((n) => [`server${n}`, { keyword: keyword(n) }])),
    });
  });
  expect(r.status).toBe(200);
  expect(r.body.committed).toEqual(['server1', 'server2', 'server3']);
  expect(summaries(r, 'applied')).toEqual({
    server1: ['monitor mrw-new added'],
    server2: ['monitor mrw-new added'],
    server3: ['monitor mrw-new added'],
  });
  for (const a of agents) {
    expect((await status(a)).config).toMatchObject({
      revision: r.body.revision,
      runningRevision: r.body.revision,
      restartRequired: false,
    });
  }
  // A drive fault PET to server2's new endpoint: its row goes to error, and every agent shows it.
  expect(sendPet(keyword(2), SOURCE).code).toBe(0);
  for (const a of agents) {
    await eventually(
      async () => {
        const m = (await status(a)).monitors.find((x) => x.name === 'mrw-new');
        return m?.notNormal.some((s) => s.server === 'server2' && s.status === 'error') ? true : undefined;
      },
      10_000,
      `mrw-new in error on server2 as ${a.url} sees it`
    );
  }
});

test('a group removed is stopped where it ran and forgotten; the other agents just forget it', async () => {
  const holder = await eventually(async () => markers.running('web')[0], 15_000, 'web online somewhere');
  const r = await change((c) => {
    c.groups = [];
  });
  expect(r.status).toBe(200);
  const applied = summaries(r, 'applied');
  expect(applied[holder]).toEqual(['group web removed: stopped here']);
  for (const other of ['server1', 'server2', 'server3'].filter((s) => s !== holder)) {
    expect(applied[other]).toEqual(['group web removed']);
  }
  await eventually(async () => (markers.running('web').length === 0 ? true : undefined), 10_000, 'web stopped');
  for (const a of agents) {
    expect((await status(a)).groups.map((g) => g.name)).toEqual([]);
  }
});

test('a group removed and added back while its stop still runs never runs on two servers', async () => {
  // The stop takes 2 s: the second revision arrives while the holder is still stopping it.
  // A regression test, not the proof: it also passed with the re-announce of the held group
  // left out (the decider's own guards happened to wait); the simulation scenario
  // revision-readd-while-stopping is the one that fails without it.
  const slow = { ...markers.resource('slow'), stop: `sleep 2; rm -f "${markers.dir}/slow.$LIFELINE_SERVER"` };
  expect((await change((c) => (c.groups = [{ name: 'slow', resources: [slow] }]))).status).toBe(200);
  await eventually(async () => (markers.running('slow').length === 1 ? true : undefined), 15_000, 'slow online');
  expect((await change((c) => (c.groups = []))).status).toBe(200);
  expect((await change((c) => (c.groups = [{ name: 'slow', resources: [slow] }]))).status).toBe(200);
  const seen: string[][] = [];
  const until = Date.now() + 8000;
  while (Date.now() < until) {
    seen.push(markers.running('slow'));
    await sleep(20);
  }
  expect(seen.filter((on) => on.length > 1)).toEqual([]);
  // Back on one server once the stop is done (the desired state wants it: it is automatic).
  await eventually(async () => (markers.running('slow').length === 1 ? true : undefined), 15_000, 'slow online again');
  expect((await change((c) => (c.groups = []))).status).toBe(200);
  await eventually(async () => (markers.running('slow').length === 0 ? true : undefined), 10_000, 'slow stopped');
});

test('a longer heartbeat timeout changes failure detection at once', async () => {
  const r = await change((c) => {
    c.cluster.heartbeat.timeoutMs = 4000;
  });
  expect(r.status).toBe(200);
  expect(summaries(r, 'applied').server1).toEqual(['cluster.heartbeat.timeoutMs 1000 -> 4000']);
  expect((await status(server1())).heartbeat.timeoutMs).toBe(4000);
  signal(server3(), 'SIGSTOP');
  try {
    // On the old 1 s timeout server3 would be down long before this; on 4 s it is at most
    // suspect (from half the timeout on).
    const seen = async () => (await status(server1())).servers.find((s) => s.name === 'server3')?.state;
    await sleep(2500);
    expect(['online', 'suspect']).toContain(await seen());
    await eventually(
      async () => (!['online', 'suspect'].includes((await seen()) ?? '') ? true : undefined),
      10_000,
      'server3 no longer online'
    );
  } finally {
    signal(server3(), 'SIGCONT');
  }
  await eventually(
    async () => ((await status(server1())).servers.every((s) => s.state === 'online') ? true : undefined),
    15_000
  );
});

test('a token added through the configuration is accepted at once', async () => {
  const made = createToken('noc-wall', 'viewer');
  const r = await change((c) => {
    c.api.tokens = [...(c.api.tokens ?? []), made.entry];
  });
  expect(r.status).toBe(200);
  for (const a of agents) {
    expect((await a.request('GET', '/api/v1/status', undefined, made.token)).status).toBe(200);
  }
  // ...and the viewer cannot write with it.
  expect((await server2().request('PUT', '/api/v1/config', {}, made.token, { 'If-Match': '"1"' })).status).toBe(403);
});

test('a change that needs a restart is named by every agent and in status; undone, it no longer waits', async () => {
  const r = await change((c) => {
    c.servers[2].api.port = 29779;
  });
  expect(r.status).toBe(200);
  for (const server of ['server1', 'server2', 'server3']) {
    expect(summaries(r, 'restartRequired')[server]).toEqual(['server server3 changed (api)']);
  }
  const s = await status(server2());
  expect(s.config).toMatchObject({ runningRevision: r.body.revision, restartRequired: true });
  expect(s.config.restartChanges).toEqual([
    { area: 'servers', path: 'servers[2]', summary: 'server server3 changed (api)' },
  ]);
  // The agents still reach server3 where it listens: nothing moved.
  expect((await server3().request('GET', '/api/v1/status', undefined, server3().tokens.viewer)).status).toBe(200);
  const back = await change((c) => {
    c.servers[2].api.port = 29771;
  });
  expect(summaries(back, 'restartRequired')).toEqual({ server1: [], server2: [], server3: [] });
  expect((await status(server3())).config).toMatchObject({ restartRequired: false, restartChanges: [] });
});

test('a rollback with a stale If-Match is refused; with the current one it applies everywhere and reports', async () => {
  const { revision } = await current(server1());
  const admin = server1().tokens.admin;
  const stale = await server1().request('POST', '/api/v1/config/rollback', { revision: 1 }, admin, {
    'If-Match': `"${revision - 1}"`,
  });
  expect(stale.status).toBe(409);
  const r = await server1().request('POST', '/api/v1/config/rollback', { revision: 1 }, admin, {
    'If-Match': `"${revision}"`,
  });
  expect(r.status).toBe(200);
  expect(r.body.revision).toBe(revision + 1);
  expect(summaries(r, 'applied').server3).toEqual(
    expect.arrayContaining(['cluster.heartbeat.timeoutMs 4000 -> 1000', 'group web added'])
  );
});

test('lifeline cluster restart: one agent at a time applies what waited for a restart; db still runs on exactly one server', async () => {
  const ops = createToken('ops', 'admin');
  const r = await change((c) => {
    c.api.tokens = [...(c.api.tokens ?? []), ops.entry];
    c.groups = [{ name: 'db', resources: [markers.resource('db')] }];
    c.traps.eventLog.maxEvents = 20_000;
  });
  expect(r.status).toBe(200);
  expect(summaries(r, 'restartRequired').server2).toEqual(['traps.eventLog.maxEvents 100000 -> 20000']);
  await eventually(async () => (markers.running('db').length === 1 ? true : undefined), 15_000, 'db online', {
    diagnostics: () =>
      agents
        .map((a) =>
          a
            .logs()
            .split('\n')
            .filter((l) => /db|group|revision/.test(l))
            .slice(-8)
            .join('\n')
        )
        .join('\n---\n'),
  });
  const incarnations = await Promise.all(agents.map(async (a) => (await status(a)).heartbeat.incarnation));
  const run = lifeline(['cluster', 'restart', '--url', server1().url, '--token', ops.token, '--timeout-ms', '60000']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.trim().split('\n')).toEqual([
    'server3: restarting (traps.eventLog.maxEvents 100000 -> 20000)',
    `server3: back (revision ${r.body.revision}, all its peers online)`,
    'server2: restarting (traps.eventLog.maxEvents 100000 -> 20000)',
    `server2: back (revision ${r.body.revision}, all its peers online)`,
    'server1: restarting (traps.eventLog.maxEvents 100000 -> 20000)',
    `server1: back (revision ${r.body.revision}, all its peers online)`,
    '3 agent(s) restarted',
  ]);
  for (const [i, a] of agents.entries()) {
    // The restart closed the keep-alive connections this client pooled: the first try may fail.
    const s = await eventually(() => status(a).catch(() => undefined), 5000, `${a.url} answering`);
    expect(s.config).toMatchObject({ revision: r.body.revision, restartRequired: false, restartChanges: [] });
    expect(s.heartbeat.incarnation).not.toBe(incarnations[i]);
  }
  expect(markers.running('db')).toHaveLength(1);
  // Nothing waits any more: a second run restarts nobody.
  const again = lifeline(['cluster', 'restart', '--url', server1().url, '--token', ops.token]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('0 agent(s) restarted');
}, 120_000);
