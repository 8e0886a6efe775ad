// The agent API under load with a maximum-size configuration (32 servers, 128 groups,
// 512 monitors), all on loopback: GET /api/v1/status and GET /metrics at 200 requests/s
// (autocannon, a separate process), and a cluster-wide PUT /config across three agents.
// Targets: status p99 < 20 ms, metrics p99 < 50 ms, apply < 500 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { percentile, report, round } from './lib/report.mjs';
import { apiUrl, spawnAgent, waitReady } from '../scripts/lib/agents.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { dump } = require('js-yaml');
const { createToken } = require('../build/backend/api/tokens.js');
const { maxConfig } = require('../test/support/max-config.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-api-'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = 200;

/** maxConfig, moved onto loopback: every address is 127.x so nothing leaves the machine. */
function loopbackMaxConfig() {
  const c = maxConfig({ interconnects: 4 });
  c.servers.forEach((s, i) => {
    s.api = { address: `127.0.0.${i + 1}`, port: 29511 };
    s.bmc.address = `127.0.9.${i + 1}`;
  });
  c.interconnects = c.interconnects.map((ic, k) => ({
    type: 'lan',
    port: 29512 + k,
    addresses: Object.fromEntries(c.servers.map((s, i) => [s.name, `127.0.${10 + k}.${i + 1}`])),
  }));
  c.fencing = { action: 'none' };
  // Nothing starts: the bench measures the API, and a floating IP would touch a real interface.
  c.groups.forEach((g, i) => {
    g.autoStart = false;
    g.resources[0].address = `127.0.3.${(i % 250) + 1}`;
    g.resources[0].interface = 'lo';
  });
  c.monitors.forEach((m) => {
    if (m.type === 'message-receive') {
      m.perServer = Object.fromEntries(c.servers.map((s, i) => [s.name, { keyword: `127.0.2.${i + 1}:11162` }]));
    }
  });
  c.cluster.secret = { env: 'LIFELINE_CLUSTER_SECRET' };
  return c;
}

const config = loopbackMaxConfig();
fs.writeFileSync(path.join(dir, 'cluster.yaml'), dump(config));
const admin = createToken('bench', 'admin');
fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([admin.entry]));
const auth = { Authorization: `Bearer ${admin.token}` };
const agents = [];
const cleanup = () => agents.forEach((a) => a.kill('SIGKILL'));
process.on('exit', cleanup);

async function start(server) {
  const logFile = path.join(dir, `${server}.log`);
  agents.push(
    spawnAgent({
      configFile: path.join(dir, 'cluster.yaml'),
      server,
      stateDir: path.join(dir, server),
      tokenFiles: [path.join(dir, 'tokens.yaml')],
      env: { LIFELINE_CLUSTER_SECRET: 'bench-secret', LIFELINE_LOG_LEVEL: 'warn' },
      logFile,
    })
  );
  const url = apiUrl(config, server);
  await waitReady(url, { logFile });
  return url;
}

function load(url, title) {
  return new Promise((resolve, reject) => {
    autocannon({ url, title, headers: auth, connections: 10, overallRate: RATE, duration: SECONDS }, (err, result) =>
      err ? reject(err) : resolve(result)
    );
  });
}

async function run() {
  const urls = [];
  for (const s of ['server1', 'server2', 'server3']) {
    urls.push(await start(s));
  }
  await new Promise((r) => setTimeout(r, 2000)); // heartbeats settle
  const status = await (await fetch(`${urls[0]}/api/v1/status`, { headers: auth })).json();
  const metricsText = await (await fetch(`${urls[0]}/metrics`, { headers: auth })).text();
  const rows = [];
  const measured = {};
  for (const [name, url, target] of [
    ['GET /api/v1/status', `${urls[0]}/api/v1/status`, 20],
    ['GET /metrics', `${urls[0]}/metrics`, 50],
  ]) {
    const r = await load(url, name);
    measured[name] = r.latency.p99;
    rows.push({
      request: name,
      rate_per_s: round(r.requests.average, 0),
      requests: r.requests.total,
      errors: r.errors + r.non2xx,
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      max_ms: r.latency.max,
      target_p99_ms: target,
    });
  }

  // Cluster-wide apply: three live agents (the 29 other servers are down: left out quickly).
  const applyTimes = [];
  const phases = [];
  for (let i = 0; i < 10; i++) {
    const current = await (await fetch(`${urls[i % 3]}/api/v1/config`, { headers: auth })).json();
    const next = {
      ...current.config,
      cluster: { ...current.config.cluster, heartbeat: { intervalMs: 1000, timeoutMs: 5000 + (i % 2) * 1000 } },
    };
    const t0 = performance.now();
    const res = await fetch(`${urls[i % 3]}/api/v1/config`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json', 'If-Match': `"${current.revision}"` },
      body: JSON.stringify(next),
    });
    const t = performance.now() - t0;
    const body = await res.json();
    if (!res.ok || body.committed.length !== 3) {
      throw new Error(`apply failed: ${res.status} ${JSON.stringify(body)}`);
    }
    applyTimes.push(t);
    phases.push(body.timings);
  }
  applyTimes.sort((a, b) => a - b);
  rows.push({
    request: 'PUT /api/v1/config (3 live agents, 29 down)',
    rate_per_s: '',
    requests: applyTimes.length,
    errors: 0,
    p50_ms: round(percentile(applyTimes, 50), 1),
    p99_ms: round(applyTimes.at(-1), 1),
    max_ms: round(applyTimes.at(-1), 1),
    target_p99_ms: 500,
  });
  const ok = report('api', {
    rows,
    targets: [
      {
        name: 'GET /status p99 at 200/s',
        value: `${measured['GET /api/v1/status']} ms`,
        target: '< 20 ms',
        met: measured['GET /api/v1/status'] < 20,
      },
      {
        name: 'GET /metrics p99 at 200/s',
        value: `${measured['GET /metrics']} ms`,
        target: '< 50 ms',
        met: measured['GET /metrics'] < 50,
      },
      {
        name: 'cluster-wide apply, slowest of 10',
        value: `${round(applyTimes.at(-1), 1)} ms`,
        target: '< 500 ms',
        met: applyTimes.at(-1) < 500,
      },
    ],
    notes: [
      `status body ${JSON.stringify(status).length} bytes (${status.servers?.length} servers, ${status.monitors?.length} monitors); metrics ${metricsText.length} bytes`,
      `apply phases (median of 10, ms): validate ${median(phases.map((p) => p.validateMs))}, prepare round ${median(phases.map((p) => p.prepareMs))}, store + commit round ${median(phases.map((p) => p.commitMs))}`,
      `autocannon: 10 connections, overall rate ${RATE}/s, ${SECONDS} s per endpoint, separate from the agents' processes only by event loop (same 2 cores)`,
    ],
  });
  cleanup();
  process.exit(ok ? 0 : 1);
}

run().catch((e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
