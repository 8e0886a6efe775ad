/**
 * Three real agents on loopback (127.0.0.1-3, two LAN interconnects, 200 ms / 1 s): an
 * agent with the wrong cluster secret is never seen online and its heartbeats are counted
 * as bad_mac; with the right secret all three see each other online. `lifeline status`
 * (table and JSON, exit codes) against them, and the peer token on GET /api/v1/config.
 */
import fs from 'node:fs';
import { peerToken } from '../../../backend/api/peer-token';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline } from '../../support/cli';
import { killAgent, loopbackCluster, sleep, status } from '../../support/cluster';

const config = loopbackCluster({
  name: 'three',
  servers: 3,
  apiPort: 29311,
  lanPorts: [29312, 29313],
  groups: ['failover1'],
  monitors: [{ name: 'userw', type: 'user-mode', intervalMs: 1000 }],
});
const agents: Record<string, RunningAgent> = {};

async function states(from: RunningAgent): Promise<Record<string, string>> {
  return Object.fromEntries((await status(from)).servers.map((s) => [s.name, s.state]));
}

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
  for (const a of Object.values(agents)) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
});

describe('three agents on loopback', () => {
  test('an agent with the wrong cluster secret is never online for the others, and its packets count as bad_mac', async () => {
    agents.server1 = await startAgent(config, 'server1');
    agents.server2 = await startAgent(config, 'server2');
    agents.server3 = await startAgent(config, 'server3', {
      env: { LIFELINE_CLUSTER_SECRET: 'not-the-cluster-secret' },
    });
    await eventually(
      async () => ((await states(agents.server1)).server2 === 'online' ? true : undefined),
      5000,
      'server1 sees server2'
    );
    // Watch for 2.5 s (over two timeouts, ~12 heartbeat rounds): server3 must never be online.
    const deadline = Date.now() + 2500;
    let samples = 0;
    while (Date.now() < deadline && samples < 200) {
      for (const from of [agents.server1, agents.server2]) {
        expect((await states(from)).server3).not.toBe('online');
      }
      expect(Object.entries(await states(agents.server3)).filter(([, s]) => s === 'online')).toEqual([
        ['server3', 'online'],
      ]);
      samples++;
      await sleep(100);
    }
    const metrics = (await agents.server1.request('GET', '/metrics', undefined, agents.server1.tokens.viewer))
      .body as string;
    // 2 interconnects x 5 rounds/s x over 2.5 s: about 25 at least; 10 leaves room for a loaded machine.
    expect(metricValue(metrics, 'lifeline_heartbeat_packets_total', { result: 'bad_mac' })).toBeGreaterThanOrEqual(10);
    const s = await status(agents.server1);
    expect(s.servers.find((x) => x.name === 'server3')).toMatchObject({ state: 'unknown', config: null });
  });

  test('lifeline status reports the missing server and exits 6', () => {
    const r = lifeline(['status', '--url', agents.server1.url, '--token', agents.server1.tokens.viewer]);
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/^\* server1 +online/m);
    expect(r.stdout).toMatch(/^ {2}server2 +online +\d\d:\d\d:\d\d +up +up/m);
    expect(r.stdout).toMatch(/^ {2}server3 +unknown .* DOWN +DOWN/m);
    // server3 was never heard: it may run failover1 (one of its startup servers), so nobody
    // starts it without fencing, a watchdog or an operator's confirm-down (startup fencing).
    expect(r.stdout).toMatch(/^ {2}failover1 +offline +-/m);
    expect(r.stdout).toMatch(/^ {2}userw +normal +3 normal$/m);
    expect(r.stdout).toContain('  - server server3 is unknown');
  });

  test('with the right secret all three see each other online; status exits 0; --json is the API answer', async () => {
    await killAgent(agents.server3);
    agents.server3 = await startAgent(config, 'server3', { dir: agents.server3.dir });
    for (const from of Object.values(agents)) {
      await eventually(
        async () => (Object.values(await states(from)).every((s) => s === 'online') ? true : undefined),
        5000,
        'all online'
      );
    }
    await eventually(
      async () => ((await status(agents.server3)).groups[0]?.currentServer === 'server1' ? true : undefined),
      5000,
      'failover1 started once server3 is heard'
    );
    const table = lifeline(['status', '--url', agents.server2.url, '--token', agents.server2.tokens.viewer]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/^\* server2 +online/m);
    const json = lifeline(['status', '--json', '--url', agents.server3.url, '--token', agents.server3.tokens.viewer]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.servers.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
      ['server1', 'online'],
      ['server2', 'online'],
      ['server3', 'online'],
    ]);
    // failover1 (no resources) started by itself on server1, its first startup server, once
    // server3 was heard; this is server3's view (local: server3's own state for the group).
    expect(parsed.groups).toEqual([
      {
        name: 'failover1',
        state: 'online',
        currentServer: 'server1',
        holders: ['server1'],
        startupServers: ['server1', 'server2', 'server3'],
        local: 'offline',
        operation: null,
      },
    ]);
    expect(parsed.config.conflicts).toEqual([]);
    expect(lifeline(['status', '--url', agents.server1.url, '--token', 'llt_wrong']).code).toBe(4);
    expect(lifeline(['status', '--url', 'http://127.0.0.1:1']).code).toBe(3);
  });

  test('GET /api/v1/config: viewer and the peer token (derived from the cluster secret); ETag is the revision', async () => {
    const a = agents.server1;
    const viewer = await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer);
    expect(viewer.status).toBe(200);
    expect(viewer.body).toMatchObject({ revision: 1, config: { cluster: { name: 'three' } } });
    const peer = await fetch(`${a.url}/api/v1/config`, {
      headers: { Authorization: `Bearer ${peerToken('test-cluster-secret')}` },
    });
    expect(peer.status).toBe(200);
    expect(peer.headers.get('etag')).toBe('"1"');
    expect(((await peer.json()) as { hash: string }).hash).toBe(viewer.body.hash);
    const cached = await fetch(`${a.url}/api/v1/config`, {
      headers: { Authorization: `Bearer ${a.tokens.viewer}`, 'If-None-Match': '"1"' },
    });
    expect(cached.status).toBe(304);
    const wrong = await fetch(`${a.url}/api/v1/config`, {
      headers: { Authorization: `Bearer ${peerToken('not-the-cluster-secret')}` },
    });
    expect(wrong.status).toBe(401);
    expect((await a.request('GET', '/api/v1/config?revision=99', undefined, a.tokens.viewer)).status).toBe(404);
  });
});
