// Apply-to-effective across three agents on loopback: a new BMCNOTICE monitor is added with
// PUT /config and counts as effective when a trap to its new endpoint on every server has
// raised it there (the trap is sent as soon as the PUT answers). The peer, in the same run,
// is what the same change cost before live reconfiguration: store it, then restart the
// three agents one after the other (each ready again) before the monitor can receive.
//   live: PUT sent -> answer (every agent applied and reported)
//   live: PUT sent -> a trap raised the new monitor on all three servers
//   restart: PUT sent -> three agents restarted one at a time and ready
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { percentile, report, round } from './lib/report.mjs';
import { apiUrl, capturePetPacket, spawnAgent, waitReady } from '../scripts/lib/agents.mjs';

const require = createRequire(import.meta.url);
const { dump } = require('js-yaml');
const { createToken } = require('../build/backend/api/tokens.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const RESTART_ROUNDS = Number(process.env.BENCH_RESTART_ROUNDS ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-reconfig-'));
const servers = ['server1', 'server2', 'server3'];
const address = (s) => `127.0.0.${servers.indexOf(s) + 1}`;
const SOURCE = '127.0.3.9';
const config = {
  cluster: {
    name: 'reconfig-bench',
    heartbeat: { intervalMs: 200, timeoutMs: 1000 },
    secret: { env: 'LIFELINE_CLUSTER_SECRET' },
  },
  servers: servers.map((name) => ({ name, api: { address: address(name), port: 29791 } })),
  interconnects: [{ type: 'lan', port: 29792, addresses: Object.fromEntries(servers.map((s) => [s, address(s)])) }],
  traps: { allowSources: [SOURCE] },
  monitors: [{ name: 'userw', type: 'user-mode' }],
};
const admin = createToken('bench', 'admin');
fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([admin.entry]));
fs.writeFileSync(path.join(dir, 'cluster.yaml'), dump(config));
const auth = { Authorization: `Bearer ${admin.token}` };
const agents = {};
process.on('exit', () => Object.values(agents).forEach((a) => a.kill('SIGKILL')));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const urls = Object.fromEntries(servers.map((s) => [s, apiUrl(config, s)]));

async function start(s) {
  const logFile = path.join(dir, `${s}.log`);
  agents[s] = spawnAgent({
    configFile: path.join(dir, 'cluster.yaml'),
    server: s,
    stateDir: path.join(dir, s),
    tokenFiles: [path.join(dir, 'tokens.yaml')],
    env: { LIFELINE_CLUSTER_SECRET: 'bench', LIFELINE_LOG_LEVEL: 'warn' },
    logFile,
  });
  await waitReady(urls[s], { logFile });
}

async function stop(s) {
  const exited = new Promise((r) => agents[s].once('exit', r));
  agents[s].kill('SIGTERM');
  await exited;
}

/** Adds monitor `name` (its own trap port on every server) through server1. */
async function put(name, port) {
  const current = await (await fetch(`${urls.server1}/api/v1/config`, { headers: auth })).json();
  const next = current.config;
  next.monitors = [
    ...next.monitors.filter((m) => m.type !== 'message-receive'),
    {
      name,
      type: 'message-receive',
      category: 'BMCNOTICE',
      perServer: Object.fromEntries(servers.map((s) => [s, { keyword: `${address(s)}:${port}` }])),
    },
  ];
  const r = await fetch(`${urls.server1}/api/v1/config`, {
    method: 'PUT',
    headers: { ...auth, 'Content-Type': 'application/json', 'If-Match': `"${current.revision}"` },
    body: JSON.stringify(next),
  });
  if (r.status !== 200) {
    throw new Error(`PUT /config: ${r.status} ${await r.text()}`);
  }
  return r.json();
}

async function raisedEverywhere(name) {
  for (const s of servers) {
    const m = await (await fetch(`${urls[s]}/api/v1/monitors?monitor=${name}`, { headers: auth })).json();
    const row = (m.monitors ?? m).find?.((x) => x.monitor === name && x.server === s);
    if (row?.status !== 'error') {
      return false;
    }
  }
  return true;
}

/** Sends the PET to every server's endpoint of `name` until all three are in error. */
async function untilRaised(name, port, packet, seqOffset, socket, deadlineMs = 20_000) {
  const deadline = Date.now() + deadlineMs;
  let seq = 1;
  while (!(await raisedEverywhere(name))) {
    if (Date.now() > deadline) {
      throw new Error(`${name} was not raised everywhere`);
    }
    for (const s of servers) {
      const p = Buffer.from(packet);
      p.writeUInt16BE(seq++ & 0xffff, seqOffset);
      socket.send(p, port, address(s));
    }
    await sleep(5);
  }
}

async function run() {
  for (const s of servers) {
    await start(s);
  }
  await sleep(1000); // heartbeats settle
  const { packet, seqOffset } = await capturePetPacket({ specific: 880385, port: 10793 });
  const socket = dgram.createSocket('udp4');
  await new Promise((r) => socket.bind(0, SOURCE, r));
  const answer = [];
  const effective = [];
  for (let i = 0; i < ROUNDS; i++) {
    const name = `mrw-live-${i}`;
    const port = 10800 + i;
    const t0 = performance.now();
    const r = await put(name, port);
    answer.push(performance.now() - t0);
    if (r.agents?.length !== 3) {
      throw new Error(`expected three reports, got ${JSON.stringify(r.agents)}`);
    }
    await untilRaised(name, port, packet, seqOffset, socket);
    effective.push(performance.now() - t0);
  }
  const restarted = [];
  for (let i = 0; i < RESTART_ROUNDS; i++) {
    const name = `mrw-restart-${i}`;
    const port = 10900 + i;
    const t0 = performance.now();
    await put(name, port);
    for (const s of servers) {
      await stop(s);
      await start(s);
    }
    await untilRaised(name, port, packet, seqOffset, socket, 30_000);
    restarted.push(performance.now() - t0);
  }
  socket.close();
  const row = (measured, values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      measured,
      rounds: sorted.length,
      p50_ms: round(percentile(sorted, 50), 1),
      p99_ms: round(percentile(sorted, 99), 1),
      max_ms: round(sorted.at(-1), 1),
    };
  };
  const rows = [
    row('live: PUT /config -> answer (3 agents applied and reported)', answer),
    row('live: PUT /config -> new monitor raised by a trap on all 3 servers', effective),
    row('peer: PUT /config + rolling restart of 3 agents -> monitor raised on all 3', restarted),
  ];
  const ratio = round(rows[2].p50_ms / rows[1].p50_ms, 1);
  const ok = report('reconfig', {
    rows,
    targets: [
      {
        name: 'apply-to-effective across 3 agents, p99',
        value: `${rows[1].p99_ms} ms`,
        target: '< 1000 ms',
        met: rows[1].p99_ms < 1000,
      },
      {
        name: 'rolling restart / live apply (p50)',
        value: `${ratio}x`,
        target: '> 5x',
        met: ratio > 5,
      },
    ],
    notes: [
      'three agents on one 2-core machine, heartbeat 200 ms; traps sent every 5 ms to the new endpoints from the moment the PUT answers',
      'the restart peer is the only way a revision took effect before live reconfiguration (status said restartRequired)',
    ],
  });
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

run().catch((e) => {
  console.error(e);
  process.exit(1);
});
