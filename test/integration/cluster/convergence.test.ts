/**
 * Config convergence between two real agents (loopback, 200 ms / 1 s): an agent whose state
 * directory already holds a newer revision announces it in its heartbeats, and its peer
 * fetches it over the API (peer token), checks the hash and stores it under the same
 * revision. A restart with the older file keeps the converged revision. Two different
 * configurations under one revision are a loud conflict: fatal event, metric, no adoption.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configHash } from '../../../backend/config/hash';
import { validateConfig, type ClusterConfig } from '../../../backend/config/model';
import { ConfigStore } from '../../../backend/config/store';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { loopbackCluster, status } from '../../support/cluster';
import { tempDir } from '../../support/isolation';

const base = loopbackCluster({
  name: 'converge',
  servers: 2,
  apiPort: 29321,
  lanPorts: [29322],
  monitors: [{ name: 'userw', type: 'user-mode', intervalMs: 1000 }],
});
/** The same cluster with one monitor setting changed: another content hash, same layout. */
function variant(intervalMs: number) {
  return { ...base, monitors: [{ name: 'userw', type: 'user-mode', intervalMs }] };
}
function valid(data: object): ClusterConfig {
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

const agents: RunningAgent[] = [];
const dirs = [1, 2].map((n) => tempDir(`lifeline-converge-${n}-`));
const storeOf = (n: number) => new ConfigStore(path.join(dirs[n - 1], 'state', 'config'));

async function start(data: object, n: number): Promise<RunningAgent> {
  const a = await startAgent(data, `server${n}`, { dir: dirs[n - 1] });
  agents.push(a);
  return a;
}

async function stopAll() {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
}

async function revisionOf(a: RunningAgent) {
  return (await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body as {
    revision: number;
    hash: string;
  };
}

afterAll(async () => {
  await stopAll();
  for (const d of dirs) {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

describe('config convergence', () => {
  const newer = valid(variant(2000));

  test('a peer announcing a higher revision is fetched, hash-checked and stored under that revision', async () => {
    // server2's store: revision 1 (the base) and revision 2 (newer); it starts with the newer file.
    const s2 = storeOf(2);
    s2.apply(valid(base), 'test');
    s2.apply(newer, 'test');
    const server2 = await start(variant(2000), 2);
    expect(await revisionOf(server2)).toMatchObject({ revision: 2, hash: configHash(newer) });
    const server1 = await start(base, 1);
    const converged = await eventually(
      async () => {
        const r = await revisionOf(server1);
        return r.revision === 2 ? r : undefined;
      },
      8000,
      'server1 at revision 2'
    );
    expect(converged.hash).toBe(configHash(newer));
    expect(storeOf(1).current()).toMatchObject({ revision: 2, source: 'peer:server2', hash: configHash(newer) });
    const events = (await server1.request('GET', '/api/v1/events?type=config', undefined, server1.tokens.viewer)).body
      .events;
    expect(events[0]).toMatchObject({ class: 'informational', source: 'peer:server2' });
    expect(events[0].summary).toMatch(/^configuration revision 2 \(\w{12}\) from server2 \(was 1\): 1 applied$/);
    const metrics = (await server1.request('GET', '/metrics', undefined, server1.tokens.viewer)).body as string;
    expect(metricValue(metrics, 'lifeline_config_info', { revision: '2', hash: configHash(newer) })).toBe(1);
    expect(metricValue(metrics, 'lifeline_config_info', { revision: '1' })).toBeUndefined();
    const s = await status(server1);
    // Applied live: the monitor's new interval runs without a restart.
    expect(s.config).toMatchObject({ revision: 2, runningRevision: 2, restartRequired: false, conflicts: [] });
    // server2 sees server1 announce revision 2 now.
    await eventually(async () => {
      const v = (await status(server2)).servers.find((x) => x.name === 'server1');
      return v?.config?.revision === 2 ? true : undefined;
    });
    expect(
      metricValue(
        (await server1.request('GET', '/metrics', undefined, server1.tokens.viewer)).body,
        'lifeline_config_conflicts_total'
      )
    ).toBe(0);
  });

  test('a restart with the older file keeps the converged revision', async () => {
    await stopAll();
    const server1 = await start(base, 1);
    expect(await revisionOf(server1)).toMatchObject({ revision: 2, hash: configHash(newer) });
    expect((await status(server1)).config).toMatchObject({ revision: 2, runningRevision: 2, restartRequired: false });
    expect(server1.logs()).toContain('the configuration file holds an older revision than the store');
  });

  test('one revision with two contents is a conflict: fatal event, metric, nothing adopted', async () => {
    await stopAll();
    const a = valid(variant(3000));
    const b = valid(variant(4000));
    storeOf(1).apply(a, 'test', 3);
    storeOf(2).apply(b, 'test', 3);
    const server1 = await start(variant(3000), 1);
    const server2 = await start(variant(4000), 2);
    for (const [agent, other] of [
      [server1, 'server2'],
      [server2, 'server1'],
    ] as const) {
      const event = await eventually(
        async () =>
          (await agent.request('GET', '/api/v1/events?type=config-conflict', undefined, agent.tokens.viewer)).body
            .events[0],
        8000,
        'conflict event'
      );
      expect(event.class).toBe('fatal');
      expect(event.summary).toMatch(/^configuration conflict: revision 3 has different contents/);
      expect(Object.keys(event.fields.hashes).sort()).toEqual(['server1', 'server2']);
      const metrics = (await agent.request('GET', '/metrics', undefined, agent.tokens.viewer)).body as string;
      expect(metricValue(metrics, 'lifeline_config_conflicts_total')).toBe(1);
      const s = await status(agent);
      expect(s.config.conflicts).toEqual([{ revision: 3, hashes: { server1: configHash(a), server2: configHash(b) } }]);
      expect(agent.logs()).toContain('CONFIGURATION CONFLICT');
      expect(s.servers.find((x) => x.name === other)!.config!.revision).toBe(3);
    }
    expect((await revisionOf(server1)).hash).toBe(configHash(a));
    expect((await revisionOf(server2)).hash).toBe(configHash(b));
  });
});
