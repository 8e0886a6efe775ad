/**
 * Two real agents on loopback with two real IPMI-over-LAN BMCs (OpenIPMI's ipmi_sim): the
 * LAN heartbeats and the BMC heartbeat as the API shows them, and what a peer becomes when
 * its agent dies or hangs, told apart by its BMC:
 *   chassis off + SIGKILL      -> offline-confirmed
 *   SIGKILL, chassis still on  -> hung-or-partitioned
 *   SIGSTOP, chassis on        -> hung-or-partitioned (and online again after SIGCONT)
 * Heartbeat 200 ms / timeout 1 s.
 */
import fs from 'node:fs';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { bmcAddress, killAgent, loopbackCluster, serverView, signal, status } from '../../support/cluster';
import { startBmc, type SimBmc } from '../../support/ipmi-sim';

const BMC_PORT = 29304;
const config = loopbackCluster({
  name: 'bmclink',
  servers: 2,
  apiPort: 29301,
  lanPorts: [29302, 29303],
  bmcPort: BMC_PORT,
  monitors: [{ name: 'userw', type: 'user-mode', intervalMs: 1000 }],
});
const env = { BMC_PW: 'secret' };

let bmcs: SimBmc[] = [];
let server1: RunningAgent | undefined;
let server2: RunningAgent | undefined;
let dir2: string | undefined;

async function startServer2(): Promise<RunningAgent> {
  server2 = await startAgent(config, 'server2', { env, dir: dir2 });
  dir2 = server2.dir;
  return server2;
}

async function stateOf(server: string, from = server1!): Promise<string> {
  return (await serverView(from, server)).state;
}

async function waitState(server: string, state: string, ms: number, from = server1!) {
  await eventually(async () => ((await stateOf(server, from)) === state ? true : undefined), ms, `${server} ${state}`);
}

beforeAll(async () => {
  bmcs = await Promise.all([1, 2].map((n) => startBmc({ address: bmcAddress(n), port: BMC_PORT, name: `bmc${n}` })));
  server1 = await startAgent(config, 'server1', { env });
  await startServer2();
}, 60_000);

afterAll(async () => {
  for (const a of [server1, server2]) {
    if (a) {
      if (a.child.exitCode === null && a.child.signalCode === null) {
        try {
          signal(a, 'SIGCONT');
        } catch {
          // gone
        }
      }
      await a.stop();
    }
  }
  await Promise.all(bmcs.map((b) => b.stop()));
  for (const d of new Set([server1?.dir, dir2])) {
    if (d) {
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
});

describe('two agents with simulated BMCs on loopback', () => {
  test('both see each other online on both LAN paths, and the peer BMC reachable with power on', async () => {
    for (const [me, peer] of [
      [server1!, 'server2'],
      [server2!, 'server1'],
    ] as const) {
      const view = await eventually(
        async () => {
          const v = await serverView(me, peer);
          const ready = v.state === 'online' && v.bmc?.power === 'on' && v.paths.every((p) => p.state === 'up');
          return ready && v.paths[0].rttMs !== null ? v : undefined;
        },
        10_000,
        `${peer} online with BMC power on`
      );
      expect(view.paths.map((p) => [p.type, p.interconnect, p.state])).toEqual([
        ['lan', 0, 'up'],
        ['lan', 1, 'up'],
        ['bmc', 2, 'up'],
      ]);
      expect(view.bmc).toMatchObject({ reachable: true, power: 'on', lastError: null });
      expect(view.degraded).toBe(false);
      expect(view.paths[0].lastHeard).toBeGreaterThan(Date.now() - 2000);
      expect(view.paths[0].rttMs).toBeGreaterThanOrEqual(0);
    }
    const s = await status(server1!);
    expect(s.servers.find((x) => x.self)).toMatchObject({ name: 'server1', state: 'online' });
    expect(s.heartbeat).toMatchObject({ running: true, mode: 'worker', intervalMs: 200, timeoutMs: 1000, error: null });
    expect(s.monitors).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'userw', status: 'normal', notNormal: [] })])
    );
    const metrics = (await server1!.request('GET', '/metrics', undefined, server1!.tokens.viewer)).body as string;
    expect(metricValue(metrics, 'lifeline_bmc_up', { server: 'server2' })).toBe(1);
    expect(metricValue(metrics, 'lifeline_bmc_chassis_power_on', { server: 'server2' })).toBe(1);
    expect(metricValue(metrics, 'lifeline_heartbeat_path_up', { peer: 'server2', interconnect: '1' })).toBe(1);
    expect(metricValue(metrics, 'lifeline_server_state', { server: 'server2', state: 'online' })).toBe(1);
    expect(metricValue(metrics, 'lifeline_event_loop_delay_seconds', { quantile: '0.99' })).toBeLessThan(0.5);
    expect(metricValue(metrics, 'lifeline_event_loop_delay_seconds_count')).toBeGreaterThan(0);
  });

  test('chassis off and SIGKILL: the peer is offline-confirmed, with the evidence in the event log', async () => {
    bmcs[1].setPower('off');
    await killAgent(server2!);
    const killedAt = Date.now();
    await waitState('server2', 'offline-confirmed', 8000);
    const view = await serverView(server1!, 'server2');
    expect(view.bmc).toMatchObject({ reachable: true, power: 'off' });
    expect(view.paths.filter((p) => p.type === 'lan').every((p) => p.state === 'down')).toBe(true);
    // Down exactly one timeout after the last heartbeat; the BMC was read when it turned suspect.
    expect(view.since! - killedAt).toBeLessThan(1000 + 200 + 300);
    const events = (
      await server1!.request(
        'GET',
        '/api/v1/events?type=membership&server=server2&limit=5',
        undefined,
        server1!.tokens.viewer
      )
    ).body.events;
    expect(events[0]).toMatchObject({ class: 'fatal', server: 'server2' });
    expect(events[0].summary).toMatch(/-> offline-confirmed \(.*BMC reports power off\)/);
    expect(events[0].fields.evidence.bmc).toMatchObject({ current: true, report: { reachable: true, power: 'off' } });
    bmcs[1].setPower('on');
    await startServer2();
    await waitState('server2', 'online', 10_000);
  });

  test('SIGKILL with the chassis still on: hung-or-partitioned', async () => {
    await eventually(
      async () => ((await serverView(server1!, 'server2')).bmc?.power === 'on' ? true : undefined),
      10_000
    );
    await killAgent(server2!);
    await waitState('server2', 'hung-or-partitioned', 8000);
    const view = await serverView(server1!, 'server2');
    expect(view.reason).toMatch(/BMC reports power on/);
    await startServer2();
    await waitState('server2', 'online', 10_000);
  });

  test('SIGSTOP: hung-or-partitioned; after SIGCONT the peer is online again', async () => {
    signal(server2!, 'SIGSTOP');
    try {
      await waitState('server2', 'hung-or-partitioned', 8000);
    } finally {
      signal(server2!, 'SIGCONT');
    }
    await waitState('server2', 'online', 10_000);
    const events = (
      await server1!.request(
        'GET',
        '/api/v1/events?type=membership&server=server2&limit=10',
        undefined,
        server1!.tokens.viewer
      )
    ).body.events as Array<{ summary: string; fields: { from: string; to: string } }>;
    expect(events[0].fields).toMatchObject({ from: 'hung-or-partitioned', to: 'online' });
    expect(events[1].fields.to).toBe('hung-or-partitioned');
    await killAgent(server2!);
  });
});
