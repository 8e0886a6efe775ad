// Heartbeats and membership with real agent processes on loopback:
//  (a) detection latency: SIGKILL a peer's agent; when does the survivor declare it down
//      (the `since` of the peer's down state, taken by the survivor) compared with the
//      configured timeout. Target: overhead (latency - timeout) under one interval + 50 ms.
//  (b) false downs: two agents at 200 ms / 1 s while one ingests a 50k/s storm of SNMPv1
//      PET traps from an allowed BMC source, for BENCH_SOAK_SECONDS (default 600). Target: 0.
//  (c) CPU of one agent in a simulated 32-server cluster at 1 s: the real agent for
//      server1, and 31 peers sending valid heartbeats (31 HeartbeatServices, in-process, in
//      one helper process). Agent CPU (all threads) from /proc/PID/stat over 60 s, after
//      30 s of warm-up; per thread from /proc/PID/task/*/stat.
//      Target: under 2 % of one core.
// BENCH_ROUNDS (default 10) sets the rounds of (a) at 200 ms / 1 s; 3 more run at 1 s / 5 s.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { percentile, report, round } from './lib/report.mjs';
import { apiUrl, capturePetPacket, spawnAgent, waitReady } from '../scripts/lib/agents.mjs';

const require = createRequire(import.meta.url);
const { dump } = require('js-yaml');
const here = path.dirname(fileURLToPath(import.meta.url));
const SECRET = 'bench-heartbeat-secret';

// ---- helper mode: 31 lightweight peers (HeartbeatService in-process) -------------------
if (process.argv[2] === '--peers') {
  const { HeartbeatService } = require('../build/backend/membership/index.js');
  const { validateConfig } = require('../build/backend/config/model/index.js');
  const { configHash } = require('../build/backend/config/hash.js');
  const data = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  const hash = configHash(r.config);
  const services = [];
  for (const s of r.config.servers.slice(1)) {
    const hb = new HeartbeatService(r.config, s.name, SECRET, { mode: 'in-process' });
    await hb.start();
    hb.updateSummary({ revision: 1, hash, groups: [] });
    services.push(hb);
  }
  process.stdout.write('ready\n');
  process.on('SIGTERM', async () => {
    await Promise.all(services.map((s) => s.stop()));
    process.exit(0);
  });
  await new Promise(() => {});
}

// ---- shared ---------------------------------------------------------------------------
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-heartbeat-'));
const { createToken } = require('../build/backend/api/tokens.js');
const viewer = createToken('bench', 'viewer');
fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([viewer.entry]));
const auth = { Authorization: `Bearer ${viewer.token}` };
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const LAN_SILENT = ['offline-confirmed', 'hung-or-partitioned', 'unknown'];

function clusterConfig({ name, n, net, net2, apiPort, lanPorts, intervalMs, timeoutMs, extra = {} }) {
  const names = Array.from({ length: n }, (_, i) => `server${i + 1}`);
  const nets = [net, net2].slice(0, lanPorts.length);
  return {
    cluster: { name, heartbeat: { intervalMs, timeoutMs }, secret: { env: 'LIFELINE_CLUSTER_SECRET' } },
    servers: names.map((s, i) => ({
      name: s,
      api: { address: `${net}.${i + 1}`, port: apiPort },
      ...(extra.server?.(s) ?? {}),
    })),
    interconnects: lanPorts.map((port, k) => ({
      type: 'lan',
      port,
      addresses: Object.fromEntries(names.map((s, i) => [s, `${nets[k]}.${i + 1}`])),
    })),
    ...(extra.top ?? {}),
  };
}

async function startAgent(config, server, tag) {
  const cdir = path.join(dir, tag);
  fs.mkdirSync(cdir, { recursive: true });
  const file = path.join(cdir, 'cluster.yaml');
  fs.writeFileSync(file, dump(config));
  const logFile = path.join(cdir, `${server}.log`);
  const child = spawnAgent({
    configFile: file,
    server,
    stateDir: path.join(cdir, server),
    tokenFiles: [path.join(dir, 'tokens.yaml')],
    env: { LIFELINE_CLUSTER_SECRET: SECRET, LIFELINE_LOG_LEVEL: 'warn' },
    logFile,
  });
  children.add(child);
  const url = apiUrl(config, server);
  await waitReady(url, { logFile });
  return { child, url, server };
}

async function kill(agent, sig = 'SIGKILL') {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => agent.child.once('exit', r));
  process.kill(agent.child.pid, sig);
  await exited;
  children.delete(agent.child);
}

async function status(agent) {
  return (await fetch(`${agent.url}/api/v1/status`, { headers: auth })).json();
}

async function peerState(agent, peer) {
  return (await status(agent)).servers.find((s) => s.name === peer);
}

async function until(what, check, ms) {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 10_000; i++) {
    const v = await check();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      break;
    }
    await sleep(25);
  }
  throw new Error(`timed out: ${what}`);
}

async function metric(agent, name, labels = '') {
  const text = await (await fetch(`${agent.url}/metrics`, { headers: auth })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').pop()) : undefined;
}

// ---- (a) detection latency ---------------------------------------------------------------
async function detection(intervalMs, timeoutMs, rounds, apiPort) {
  const config = clusterConfig({
    name: `detect${intervalMs}`,
    n: 2,
    net: '127.0.3',
    net2: '127.0.4',
    apiPort,
    lanPorts: [apiPort + 1, apiPort + 2],
    intervalMs,
    timeoutMs,
  });
  const tag = `detect-${intervalMs}`;
  const survivor = await startAgent(config, 'server1', tag);
  const latencies = [];
  const lateness = [];
  for (let r = 0; r < rounds; r++) {
    const victim = await startAgent(config, 'server2', tag);
    await until('server2 online', async () => (await peerState(survivor, 'server2'))?.state === 'online', 10_000);
    // Let heartbeats settle, then kill at a random phase of the interval.
    await sleep(1000 + Math.random() * intervalMs);
    const killedAt = Date.now();
    await kill(victim);
    const down = await until(
      'server2 down',
      async () => {
        const p = await peerState(survivor, 'server2');
        return LAN_SILENT.includes(p.state) ? p : undefined;
      },
      timeoutMs * 3
    );
    latencies.push(down.since - killedAt);
    // The transition's evidence: when server2 was last heard on each path (wall clock).
    const r = await (
      await fetch(`${survivor.url}/api/v1/events?type=membership&server=server2&limit=1`, { headers: auth })
    ).json();
    const e = r.events[0];
    const lastHeard = Math.max(...e.fields.evidence.paths.map((p) => p.lastHeardAt ?? 0));
    lateness.push(e.time - lastHeard - timeoutMs);
  }
  await kill(survivor, 'SIGTERM');
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return {
    latenessMedian: lateness[Math.floor(lateness.length / 2)],
    latenessMax: lateness.at(-1),
    intervalMs,
    timeoutMs,
    rounds,
    min: latencies[0],
    median: percentile(latencies, 50),
    max: latencies.at(-1),
    overheadMax: latencies.at(-1) - timeoutMs,
  };
}

// ---- (b) false downs under a trap storm -----------------------------------------------
const TRAP_PORT = 10462;
const BMC_SOURCE = '127.0.1.21';

async function soak(seconds, rate) {
  const config = clusterConfig({
    name: 'soak',
    n: 2,
    net: '127.0.3',
    net2: '127.0.4',
    apiPort: 29451,
    lanPorts: [29452, 29453],
    intervalMs: 200,
    timeoutMs: 1000,
    extra: {
      server: (s) =>
        s === 'server1'
          ? { bmc: { address: BMC_SOURCE, user: 'admin', password: { env: 'LIFELINE_CLUSTER_SECRET' } } }
          : {},
      top: {
        groups: [{ name: 'failover1' }],
        monitors: [
          { name: 'userw', type: 'user-mode', intervalMs: 1000, timeoutMs: 1000 },
          {
            name: 'mrw1',
            type: 'message-receive',
            category: 'BMCNOTICE',
            keyword: `127.0.0.1:${TRAP_PORT}`,
            servers: ['server1'],
            recovery: { targetType: 'group', target: 'failover1' },
          },
        ],
      },
    },
  });
  const a = await startAgent(config, 'server1', 'soak');
  const b = await startAgent(config, 'server2', 'soak');
  await until(
    'both online',
    async () =>
      (await peerState(a, 'server2'))?.state === 'online' && (await peerState(b, 'server1'))?.state === 'online',
    10_000
  );
  await sleep(1000);
  const { packet, seqOffset } = await capturePetPacket({ source: BMC_SOURCE, port: 10464 });
  const acceptedBefore = (await metric(a, 'lifeline_trap_packets_total', '{result="accepted"}')) ?? 0;
  const started = Date.now();
  const blaster = spawn(
    process.execPath,
    [
      path.join(here, 'lib', 'blaster.mjs'),
      '127.0.0.1',
      String(TRAP_PORT),
      BMC_SOURCE,
      String(rate),
      String(rate * seconds),
      packet.toString('hex'),
      String(seqOffset),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  children.add(blaster);
  let out = '';
  blaster.stdout.on('data', (d) => (out += d));
  const done = new Promise((r) => blaster.once('exit', r));
  // Watch both views once a second (the decisive record is the event log, read afterwards).
  let worstSilence = 0;
  let maxLoopDelay = 0;
  let finished = false;
  void done.then(() => (finished = true));
  for (let i = 0; i < seconds * 4 + 120 && !finished; i++) {
    await sleep(1000);
    for (const [agent, peer] of [
      [a, 'server2'],
      [b, 'server1'],
    ]) {
      const p = await peerState(agent, peer);
      worstSilence = Math.max(worstSilence, ...p.paths.filter((x) => x.type === 'lan').map((x) => x.silenceMs ?? 0));
    }
    maxLoopDelay = Math.max(
      maxLoopDelay,
      (await metric(a, 'lifeline_event_loop_delay_seconds', '{quantile="1"}')) ?? 0
    );
  }
  await done;
  children.delete(blaster);
  const sent = JSON.parse(out || '{"sent":0,"seconds":1}');
  await sleep(1500);
  const accepted = ((await metric(a, 'lifeline_trap_packets_total', '{result="accepted"}')) ?? 0) - acceptedBefore;
  const transitions = [];
  for (const agent of [a, b]) {
    const r = await (
      await fetch(`${agent.url}/api/v1/events?type=membership&from=${started}&limit=1000`, { headers: auth })
    ).json();
    transitions.push(...r.events.map((e) => ({ at: agent.server, ...e.fields, summary: e.summary })));
  }
  const userw = (await status(a)).monitors.find((m) => m.monitor === 'userw');
  await kill(a, 'SIGTERM');
  await kill(b, 'SIGTERM');
  return {
    seconds: round(sent.seconds, 1),
    sent: sent.sent,
    sendRate: Math.round(sent.sent / sent.seconds),
    accepted,
    downs: transitions.filter((t) => LAN_SILENT.includes(t.to)).length,
    suspects: transitions.filter((t) => t.to === 'suspect').length,
    transitions,
    worstSilence,
    maxLoopDelayMs: Math.round(maxLoopDelay * 1000),
    userw: userw?.status,
  };
}

// ---- (c) CPU in a 32-server cluster ---------------------------------------------------
function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15), all threads
}

/** utime+stime per thread (tid -> ticks). */
function threadTicks(pid) {
  const out = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, cpuTicks(`${pid}/task/${tid}`));
    } catch {
      // the thread ended
    }
  }
  return out;
}

function rssBytes(pid) {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

async function cpu32(seconds) {
  const config = clusterConfig({
    name: 'big',
    n: 32,
    net: '127.0.5',
    net2: '127.0.6',
    apiPort: 29461,
    lanPorts: [29462, 29463],
    intervalMs: 1000,
    timeoutMs: 5000,
  });
  const file = path.join(dir, 'big.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const peers = spawn(process.execPath, [fileURLToPath(import.meta.url), '--peers', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(peers);
  await new Promise((resolve, reject) => {
    peers.stdout.once('data', resolve);
    peers.once('exit', (c) => reject(new Error(`peers exited ${c}`)));
  });
  const agent = await startAgent(config, 'server1', 'big');
  await until('31 peers online', async () => (await status(agent)).servers.every((s) => s.state === 'online'), 20_000);
  // Warm-up: code that runs once a second is optimised by V8 only after tens of seconds
  // (background compiler threads); what matters is an agent that has been running a while.
  await sleep(CPU_WARMUP_SECONDS * 1000);
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const t0 = process.hrtime.bigint();
  const c0 = cpuTicks(agent.child.pid);
  const t0s = threadTicks(agent.child.pid);
  await sleep(seconds * 1000);
  const c1 = cpuTicks(agent.child.pid);
  const t1s = threadTicks(agent.child.pid);
  const main = String(agent.child.pid);
  const deltas = [...t1s].map(([tid, v]) => [tid, v - (t0s.get(tid) ?? 0)]).filter(([tid]) => tid !== main);
  deltas.sort((a, b) => b[1] - a[1]);
  const perThread = {
    main: (t1s.get(main) ?? 0) - (t0s.get(main) ?? 0),
    busiestOther: deltas[0]?.[1] ?? 0, // the heartbeat worker thread
    rest: deltas.slice(1).reduce((n, [, v]) => n + v, 0),
  };
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const s = await status(agent);
  const online = s.servers.filter((x) => x.state === 'online').length;
  const counters = {
    sent: await metric(agent, 'lifeline_heartbeat_packets_total', '{result="sent"}'),
    accepted: await metric(agent, 'lifeline_heartbeat_packets_total', '{result="accepted"}'),
  };
  const rss = rssBytes(agent.child.pid);
  await kill(agent, 'SIGTERM');
  peers.kill('SIGTERM');
  await new Promise((r) => peers.once('exit', r));
  children.delete(peers);
  const pct = (ticks) => round((ticks / hz / wall) * 100, 2);
  return {
    cpuPct: ((c1 - c0) / hz / wall) * 100,
    threads: { main: pct(perThread.main), worker: pct(perThread.busiestOther), others: pct(perThread.rest) },
    wall,
    online,
    counters,
    rssMiB: rss / 1048576,
    hz,
  };
}

// ---- run ------------------------------------------------------------------------------
if (spawnSync('sh', ['-c', 'command -v snmptrap']).status !== 0) {
  console.error('snmptrap is missing: apt-get install -y snmp');
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const SOAK = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const CPU_SECONDS = 60;
const CPU_WARMUP_SECONDS = 30;

const fast = await detection(200, 1000, ROUNDS, 29431);
console.log('detection 200/1000', JSON.stringify(fast));
const slow = await detection(1000, 5000, 3, 29441);
console.log('detection 1000/5000', JSON.stringify(slow));
const storm = await soak(SOAK, 50_000);
console.log('soak', JSON.stringify({ ...storm, transitions: storm.transitions.length }));
const big = await cpu32(CPU_SECONDS);
console.log('cpu32', JSON.stringify(big));

const rows = [
  ...[fast, slow].map((d) => ({
    measurement: 'detection after SIGKILL (down since - kill)',
    setting: `${d.intervalMs} ms / ${d.timeoutMs} ms, ${d.rounds} rounds`,
    result: `median ${d.median} ms, min ${d.min} ms, max ${d.max} ms`,
    vs_target: `overhead max ${d.overheadMax} ms (limit ${d.intervalMs + 50} ms); down at last heard + timeout + ${d.latenessMedian} ms (max ${d.latenessMax} ms)`,
  })),
  {
    measurement: 'false downs during a PET trap storm',
    setting: `200 ms / 1000 ms, ${storm.seconds} s at ${round(storm.sendRate / 1000, 1)}k/s offered`,
    result: `${storm.downs} down, ${storm.suspects} suspect; ${storm.accepted} traps accepted (${Math.round(storm.accepted / storm.seconds)}/s)`,
    vs_target: `worst LAN silence seen ${storm.worstSilence} ms; agent loop delay max ${storm.maxLoopDelayMs} ms; userw ${storm.userw}`,
  },
  {
    measurement: 'agent CPU, 32-server cluster (31 simulated peers)',
    setting: `1000 ms / 5000 ms, 2 LAN interconnects, ${round(big.wall, 1)} s`,
    result: `${round(big.cpuPct, 2)} % of one core (main thread ${big.threads.main} %, heartbeat worker ${big.threads.worker} %, V8/libuv helpers ${big.threads.others} %), RSS ${round(big.rssMiB, 0)} MiB`,
    vs_target: `${big.online}/32 online; packets sent ${big.counters.sent}, accepted ${big.counters.accepted}`,
  },
];
const ok = report('heartbeat', {
  rows,
  targets: [
    {
      name: 'detection overhead at 200 ms / 1 s (max over rounds)',
      value: `${fast.overheadMax} ms`,
      target: `< ${fast.intervalMs + 50} ms`,
      met: fast.overheadMax < fast.intervalMs + 50,
    },
    {
      name: 'detection overhead at 1 s / 5 s (max over rounds)',
      value: `${slow.overheadMax} ms`,
      target: `< ${slow.intervalMs + 50} ms`,
      met: slow.overheadMax < slow.intervalMs + 50,
    },
    {
      name: `false downs, ${storm.seconds} s of 50k/s trap storm at 200 ms / 1 s`,
      value: String(storm.downs),
      target: '0',
      met: storm.downs === 0,
    },
    {
      name: 'agent CPU in a 32-server cluster at 1 s',
      value: `${round(big.cpuPct, 2)} %`,
      target: '< 2 %',
      met: big.cpuPct < 2,
    },
  ],
  notes: [
    "detection = the survivor's own timestamp of the peer's down state (status `since`) minus the SIGKILL; the peer was last heard up to one interval before the kill, so latency <= timeout is expected; \"last heard + timeout + X\" is how late the down decision came after the deadline (from the transition's evidence)",
    `soak: BENCH_SOAK_SECONDS=${SOAK} (the issue asks for 600); traps are v1 PETs from the server's BMC address to its mrw keyword, sent by bench/lib/blaster.mjs in a separate process on the same ${os.cpus().length} cores`,
    `cpu: /proc/PID/stat utime+stime of the agent process (all threads: main, heartbeat worker, V8 and libuv helpers) over ${CPU_SECONDS} s after ${CPU_WARMUP_SECONDS} s of warm-up; no API calls during the window; no BMC interconnect (ipmitool processes would be children, not counted); the 31 peers run in one helper process on the same cores`,
    ...(storm.transitions.length > 0
      ? [`transitions during the soak: ${JSON.stringify(storm.transitions.slice(0, 10))}`]
      : []),
  ],
});
fs.rmSync(dir, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
