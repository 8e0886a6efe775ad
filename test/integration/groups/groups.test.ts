/**
 * Failover groups with three real agents on loopback: automatic start on the first startup
 * server once the cluster has settled, the same cluster view from every agent, start /
 * stop / move through any agent with the CLI, a failing resource, roles, release on agent
 * stop, and a group held by a killed agent that nobody may start. The exec resources write
 * marker files, so where a group really runs is checked on disk, not only in the API.
 */
import fs from 'node:fs';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline } from '../../support/cli';
import { killAgent, loopbackCluster, status } from '../../support/cluster';
import { Markers } from '../../support/markers';

const markers = new Markers();
const config = loopbackCluster({ name: 'groups', servers: 3, apiPort: 29331, lanPorts: [29332, 29333] });
config.groups = [
  {
    name: 'web',
    resources: [markers.resource('web')],
  },
  {
    name: 'broken',
    autoStart: false,
    startupServers: ['server2', 'server3'],
    resources: [
      { name: 'needs-disk', type: 'exec', start: 'echo "no such disk" >&2; exit 4', stop: 'true', timeoutMs: 5000 },
    ],
  },
];
config.monitors = [
  {
    name: 'app-notice',
    type: 'message-receive',
    category: 'APPNOTICE',
    keyword: 'disk',
    recovery: { targetType: 'group', target: 'web', failoverThreshold: 1, finalAction: 'stop-group' },
  },
];
const agents: Record<string, RunningAgent> = {};
const running = () => markers.running('web');
const marker = (server: string) => markers.read('web', server);
const cli = (agent: RunningAgent, args: string[], token = agent.tokens.operator) =>
  lifeline([...args, '--url', agent.url, '--token', token]);

async function groupOn(agent: RunningAgent, group: string) {
  return (await status(agent)).groups.find((g) => g.name === group)!;
}

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
  for (const a of Object.values(agents)) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
  markers.dispose();
});

describe('failover groups across three agents', () => {
  test('web starts by itself on server1 once the cluster has settled; every agent sees it there', async () => {
    for (const s of ['server1', 'server2', 'server3']) {
      agents[s] = await startAgent(config, s);
    }
    await eventually(async () => (running().length > 0 ? true : undefined), 10_000, 'web started somewhere');
    expect(running()).toEqual(['server1']);
    expect(marker('server1')).toBe('START from=none');
    for (const a of Object.values(agents)) {
      await eventually(
        async () => ((await groupOn(a, 'web')).currentServer === 'server1' ? true : undefined),
        5000,
        'every agent sees web on server1'
      );
    }
    expect(await groupOn(agents.server3, 'web')).toMatchObject({
      state: 'online',
      holders: ['server1'],
      local: 'offline',
    });
    expect(await groupOn(agents.server1, 'broken')).toMatchObject({ state: 'offline', currentServer: null });
    const metrics = (await agents.server1.request('GET', '/metrics')).body as string;
    expect(metricValue(metrics, 'lifeline_group_state', { group: 'web', state: 'online' })).toBe(1);
    expect(
      metricValue(metrics, 'lifeline_resource_actions_total', {
        group: 'web',
        resource: 'web-app',
        action: 'start',
        result: 'success',
      })
    ).toBe(1);
  });

  test('lifeline group move through server3 takes web to server2 (stopped first, then started)', async () => {
    const r = cli(agents.server3, ['group', 'move', 'web']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  stop on server1: ok');
    expect(r.stdout).toContain('  start on server2: ok');
    expect(running()).toEqual(['server2']);
    expect(marker('server2')).toBe('MOVE from=server1');
    const list = cli(agents.server1, ['group', 'list'], agents.server1.tokens.viewer);
    expect(list.code).toBe(0);
    await eventually(
      async () => (/^web +online +server2/m.test(cli(agents.server1, ['group', 'list']).stdout) ? true : undefined),
      5000,
      'server1 lists web on server2'
    );
  });

  test('stop, then start on a chosen server; starting a running group is a conflict (exit 5)', async () => {
    expect(cli(agents.server1, ['group', 'stop', 'web']).code).toBe(0);
    expect(running()).toEqual([]);
    await eventually(
      async () => ((await groupOn(agents.server1, 'web')).state === 'offline' ? true : undefined),
      5000,
      'offline'
    );
    const r = cli(agents.server1, ['group', 'start', 'web', '--server', 'server3']);
    expect(r.code).toBe(0);
    expect(running()).toEqual(['server3']);
    await eventually(
      async () => ((await groupOn(agents.server2, 'web')).currentServer === 'server3' ? true : undefined),
      5000,
      'seen'
    );
    const again = cli(agents.server2, ['group', 'start', 'web']);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('409: group web is already online on server3');
    expect(running()).toEqual(['server3']);
  });

  test('a resource that fails: exit 7, the reason, start-failed, a fatal event; nothing left running', async () => {
    const r = cli(agents.server1, ['group', 'start', 'broken']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('start on server2: FAILED (resource needs-disk failed to start: exit 4: no such disk)');
    expect(await groupOn(agents.server2, 'broken')).toMatchObject({ state: 'start-failed', local: 'start-failed' });
    const events = await agents.server2.request('GET', '/api/v1/events?type=resource');
    expect(events.body.events[0]).toMatchObject({ class: 'fatal', server: 'server2' });
    expect(events.body.events[0].summary).toContain('resource needs-disk of group broken failed to start');
    const st = cli(agents.server2, ['status'], agents.server2.tokens.viewer);
    expect(st.code).toBe(6);
    expect(st.stdout).toContain('  - group broken is start-failed');
  });

  test('roles: viewers read, operators operate, only agents call the internal steps', async () => {
    const a = agents.server1;
    expect((await a.request('GET', '/api/v1/groups', undefined, a.tokens.viewer)).status).toBe(200);
    const denied = cli(a, ['group', 'stop', 'web'], a.tokens.viewer);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain('403: this needs the operator role; the token has viewer');
    const internal = await a.request(
      'POST',
      '/api/v1/internal/groups/web/start',
      { event: 'START', requestedBy: 'x' },
      a.tokens.admin
    );
    expect(internal.status).toBe(403);
    expect((await a.request('POST', '/api/v1/groups/nope/start', {}, a.tokens.operator)).status).toBe(404);
    expect((await a.request('POST', '/api/v1/groups/web/move', { server: 7 }, a.tokens.operator)).status).toBe(400);
    expect((await a.request('POST', '/api/v1/groups/web/move?wait=-1', {}, a.tokens.operator)).status).toBe(400);
    expect(running()).toEqual(['server3']);
  });

  test('a monitor error on the server running web fails web over (the recovery ladder), via any agent', async () => {
    const notify = (server: string) =>
      cli(agents.server2, ['notify', '--category', 'APPNOTICE', '--keyword', 'disk', '--server', server]);
    // web runs on server3; an error on server2 (which runs nothing) recovers nothing.
    expect(notify('server2').code).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(running()).toEqual(['server3']);

    expect(notify('server3').code).toBe(0);
    await eventually(async () => (running().join() === 'server1' ? true : undefined), 10_000, 'web failed over');
    expect(marker('server1')).toBe('FAILOVER from=server3');
    // Taken by server3's agent (the authority for its monitors, as for its BMC's traps), which
    // ran the ladder; any agent shows it for the cluster.
    const events = await agents.server2.request('GET', '/api/v1/events?type=recovery&scope=cluster');
    expect(events.body.events[0]).toMatchObject({
      origin: 'server3',
      summary: 'recovery for app-notice on server3: failover #1 of group web',
    });

    // Cleared and in error again on server1: its own ladder, failover #1 again (to server2).
    expect(cli(agents.server2, ['monitor', 'clear', 'app-notice']).code).toBe(0);
    expect(notify('server1').code).toBe(0);
    await eventually(async () => (running().join() === 'server2' ? true : undefined), 10_000, 'web failed over again');
    expect(marker('server2')).toBe('FAILOVER from=server1');
    expect(cli(agents.server2, ['monitor', 'clear', 'app-notice']).code).toBe(0);
    expect(cli(agents.server2, ['group', 'move', 'web', '--server', 'server3']).code).toBe(0);
    expect(running()).toEqual(['server3']);
  });

  test('an agent that stops moves its groups away; one that is killed leaves them unreachable, and nobody starts them', async () => {
    await agents.server3.stop();
    expect(running()).toEqual(['server1']); // moved to the first other startup server
    await eventually(
      async () => ((await groupOn(agents.server2, 'web')).currentServer === 'server1' ? true : undefined),
      5000,
      'seen on server1'
    );
    await killAgent(agents.server1);
    await eventually(
      async () => ((await groupOn(agents.server2, 'web')).state === 'unreachable' ? true : undefined),
      5000,
      'server2 sees web unreachable on server1'
    );
    // server3 left: server2 and the silent master are a tie, which the master's side wins.
    const r = cli(agents.server2, ['group', 'start', 'web']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('this server lost the partition resolution');
    expect(running()).toEqual(['server1']); // the killed agent's script output stays: nobody stopped it
  });

  test('the killed agent, restarted, first stops what its previous run left active, then places groups again', async () => {
    markers.write('web', 'server1', 'left by the previous run');
    agents.server1 = await startAgent(config, 'server1', { dir: agents.server1.dir });
    await eventually(async () => (running().length === 0 ? true : undefined), 10_000, 'the leftover web stopped');
    // server3 left before this run of server1 started: never heard by it, it might run web,
    // so web waits for it (or for an operator's word) instead of starting blind.
    await new Promise((r) => setTimeout(r, 1500));
    expect(running()).toEqual([]);
    expect(cli(agents.server1, ['server', 'confirm-down', 'server3'], agents.server1.tokens.admin).code).toBe(0);
    await eventually(
      async () => (running().join() === 'server1' && marker('server1') === 'START from=none' ? true : undefined),
      10_000,
      'web started afresh on server1'
    );
    const events = (await agents.server1.request('GET', '/api/v1/events?type=group&limit=10')).body.events as Array<{
      summary: string;
    }>;
    const summaries = events.map((e) => e.summary).reverse();
    expect(summaries).toEqual(
      expect.arrayContaining([
        'group web on server1: offline -> stopping (left active by the previous run of the agent)',
        'group web on server1: stopping -> offline (released after an agent restart)',
      ])
    );
    const released = summaries.findLastIndex((x) => x.includes('released after an agent restart'));
    expect(summaries.findLastIndex((x) => x.includes('offline -> starting'))).toBeGreaterThan(released);
  });
});
