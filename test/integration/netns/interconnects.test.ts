/**
 * Three hosts in network namespaces, joined by two interconnect networks (a bridge each, in
 * its own namespace): one agent per host, started with `ip netns exec`, heartbeats on both
 * networks (200 ms / 1 s). Status is read from INSIDE each host's namespace with
 * `lifeline status --json`. Cutting one network keeps every server online (degraded, no
 * state change); cutting both marks every peer down within timeout + interval + margin;
 * restoring them brings everyone back. No packet is ever sent from the root namespace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import type { ClusterStatus } from '../../../backend/agent/status';
import { createToken } from '../../../backend/api/tokens';
import { createLab, type NetnsLab } from '../../support/netns';
import { agentLog, jsonOf, lifelineIn, spawnAgentIn, waitListening } from '../../support/netns-agents';
import { tempDir } from '../../support/isolation';

const HOSTS = 3;
const INTERVAL = 200;
const TIMEOUT = 1000;
const API_PORT = 29401;
const MARGIN = 400;

let lab: NetnsLab | undefined;
const dir = tempDir('lifeline-netns-');
const viewer = createToken('netns-viewer', 'viewer');
const tokenFile = path.join(dir, 'viewer.token');
const servers = Array.from({ length: HOSTS }, (_, i) => `server${i + 1}`);

function config(l: NetnsLab) {
  const on = (net: number) => Object.fromEntries(servers.map((s, i) => [s, l.address(i + 1, net)]));
  return {
    cluster: {
      name: 'netns',
      heartbeat: { intervalMs: INTERVAL, timeoutMs: TIMEOUT },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: servers.map((name, i) => ({ name, api: { address: l.address(i + 1, 1), port: API_PORT } })),
    interconnects: [
      { type: 'lan', port: 29402, addresses: on(1) },
      { type: 'lan', port: 29403, addresses: on(2) },
    ],
  };
}

/** `lifeline status --json` run inside host n's namespace against its own agent. */
function statusFrom(n: number): ClusterStatus {
  const l = lab!;
  const r = lifelineIn(l, n, { url: `http://${l.address(n, 1)}:${API_PORT}`, tokenFile }, ['status', '--json']);
  return jsonOf<ClusterStatus>(r, `status in ${l.host(n)}`, [0, 6]);
}

function peersOf(s: ClusterStatus) {
  return s.servers.filter((x) => !x.self);
}

/** Polls every host's status until `check` holds for all of them (bounded in time and count). */
async function untilAll(what: string, check: (s: ClusterStatus) => boolean, ms: number): Promise<ClusterStatus[]> {
  const deadline = Date.now() + ms;
  let last: ClusterStatus[] = [];
  for (let i = 0; i < 200; i++) {
    last = Array.from({ length: HOSTS }, (_, k) => statusFrom(k + 1));
    if (last.every(check)) {
      return last;
    }
    if (Date.now() > deadline) {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for: ${what}\n${JSON.stringify(last.map((s) => peersOf(s).map((p) => [p.name, p.state])))}`
  );
}

beforeAll(async () => {
  lab = createLab(HOSTS, 2);
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), dump(config(lab)));
  fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([viewer.entry]));
  fs.writeFileSync(tokenFile, viewer.token, { mode: 0o600 });
  servers.forEach((s, i) => spawnAgentIn(lab!, i + 1, dir, s, 'netns-secret'));
  await waitListening(servers.map((s) => agentLog(dir, s)));
}, 30_000);

afterAll(async () => {
  await lab?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('three hosts in network namespaces, two interconnect bridges', () => {
  test('every agent sees every peer online on both interconnects', async () => {
    const all = await untilAll(
      'all online on both paths',
      (s) => peersOf(s).every((p) => p.state === 'online' && p.paths.every((x) => x.state === 'up')),
      10_000
    );
    expect(all.map((s) => s.self)).toEqual(servers);
    expect(peersOf(all[0]).map((p) => p.paths.map((x) => x.address))).toEqual([
      ['10.231.1.2', '10.231.2.2'],
      ['10.231.1.3', '10.231.2.3'],
    ]);
  });

  test('cutting one interconnect keeps every server online (degraded), without a state change', async () => {
    const before = Array.from({ length: HOSTS }, (_, k) => statusFrom(k + 1));
    lab!.setNetwork(2, false);
    try {
      await untilAll(
        'interconnect 1 down everywhere',
        (s) => peersOf(s).every((p) => p.paths[1].state === 'down'),
        TIMEOUT + INTERVAL + 3000
      );
      // Hold the cut for two more timeouts: nobody may leave online meanwhile.
      await new Promise((r) => setTimeout(r, 2 * TIMEOUT));
      const after = Array.from({ length: HOSTS }, (_, k) => statusFrom(k + 1));
      after.forEach((s, k) => {
        for (const p of peersOf(s)) {
          expect([p.name, p.state, p.degraded, p.paths.map((x) => x.state)]).toEqual([
            p.name,
            'online',
            true,
            ['up', 'down'],
          ]);
          // Same `since` as before the cut (within the rounding of clock conversion): never left online.
          const was = peersOf(before[k]).find((x) => x.name === p.name)!.since!;
          expect(Math.abs(p.since! - was)).toBeLessThanOrEqual(5);
        }
      });
    } finally {
      lab!.setNetwork(2, true);
    }
    await untilAll('both paths up again', (s) => peersOf(s).every((p) => p.paths.every((x) => x.state === 'up')), 5000);
  });

  test('cutting both interconnects marks every peer down within timeout + interval + margin; restoring brings them back', async () => {
    const cutAt = Date.now();
    lab!.setNetwork(1, false);
    lab!.setNetwork(2, false);
    let down: ClusterStatus[];
    try {
      down = await untilAll(
        'every peer down',
        (s) => peersOf(s).every((p) => p.state !== 'online' && p.state !== 'suspect'),
        TIMEOUT + INTERVAL + 5000
      );
    } finally {
      lab!.setNetwork(1, true);
      lab!.setNetwork(2, true);
    }
    for (const s of down) {
      for (const p of peersOf(s)) {
        expect(p.state).toBe('unknown'); // no BMC configured: down, cause unknown
        expect(p.since! - cutAt).toBeLessThanOrEqual(TIMEOUT + INTERVAL + MARGIN);
        expect(p.reason).toMatch(/no BMC configured/);
      }
    }
    await untilAll('all online again', (s) => peersOf(s).every((p) => p.state === 'online'), 5000);
  });
});
