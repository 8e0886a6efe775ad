// The state a console polls, at maximum size (32 servers, 128 groups, 512 monitors on every
// server: 16,384 monitor rows): what one GET /status render costs (cluster-wide monitor rows
// merged from 31 peers' copies, the summary, JSON and the ETag of the state without its
// volatile fields), and one GET /monitors answered in full (a revalidation is answered from
// a key of versions, before any row is built). Pure CPU, no agents: the render runs
// at most every 100 ms (STATUS_CACHE_MS), so its p95 must stay far below that.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { percentile, report, round } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { validateConfig, monitoredServers } = require('../build/backend/config/model/index.js');
const { buildStatus, stableStatus } = require('../build/backend/agent/status.js');
const { mergeMonitorRows, monitorSources } = require('../build/backend/monitors/cluster-rows.js');
const { weakTag } = require('../build/backend/api/state-tag.js');
const { maxConfig } = require('../test/support/max-config.js');

const checked = validateConfig(maxConfig());
if (!checked.ok) {
  throw new Error('max config must be valid');
}
const config = checked.config;
const servers = config.servers.map((s) => s.name);
const local = config.monitors.flatMap((m) =>
  monitoredServers(config, m).map((server) => ({
    monitor: m.name,
    server,
    status: 'normal',
    since: 1,
    reason: 'started',
  }))
);
// A few not normal, as in a cluster that is being looked at.
for (let i = 0; i < local.length; i += 997) {
  local[i].status = 'error';
  local[i].reason = 'fatal PET: drive slot: drive fault';
}
const peers = new Map(
  servers
    .slice(1)
    .map((s) => [s, { server: s, epoch: 1, version: 3, seenAt: 1000, rows: local.filter((r) => r.server === s) }])
);
const groups = config.groups.map((g) => ({
  name: g.name,
  state: 'online',
  currentServer: g.startupServers?.[0] ?? servers[0],
  holders: [g.startupServers?.[0] ?? servers[0]],
  startupServers: g.startupServers ?? servers,
  local: 'offline',
  operation: null,
}));

function merged(now) {
  return mergeMonitorRows({ self: 'server1', local, touched: () => false, peers, now, staleAfterMs: 5000 });
}

function renderStatus(now) {
  const status = buildStatus({
    running: config,
    runningRevision: 1,
    current: { revision: 1, hash: 'ab' },
    self: 'server1',
    heartbeat: null,
    heartbeatError: null,
    bmc: null,
    monitors: merged(now),
    monitorSources: monitorSources('server1', servers, peers, now, 5000, { epoch: 1, version: 0 }),
    groups,
    conflicts: [],
    startedAt: 0,
    monoNow: now,
    wallNow: now,
  });
  return { body: Buffer.from(JSON.stringify(status)), etag: weakTag(stableStatus(status)) };
}

function renderMonitors(now) {
  const monitors = merged(now);
  const sources = monitorSources('server1', servers, peers, now, 5000, { epoch: 1, version: 0 });
  return { body: Buffer.from(JSON.stringify({ monitors, sources })) };
}

function measure(fn, runs) {
  for (let i = 0; i < 20; i++) {
    fn(1100 + i);
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(1200 + i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(times.at(-1)) };
}

const runs = 100;
const rowsOnly = measure(merged, runs);
const status = measure(renderStatus, runs);
const monitors = measure(renderMonitors, runs);
const sizes = { status: renderStatus(1).body.length, monitors: renderMonitors(1).body.length };
// The tag must not move while only ages move.
const stable = renderStatus(1000).etag === renderStatus(4000).etag;

const ok = report('state-api', {
  rows: [
    {
      case: 'merge 16,384 monitor rows (31 peers)',
      bytes: '',
      median_ms: rowsOnly.median,
      p95_ms: rowsOnly.p95,
      max_ms: rowsOnly.max,
    },
    {
      case: 'GET /status render + state ETag',
      bytes: sizes.status,
      median_ms: status.median,
      p95_ms: status.p95,
      max_ms: status.max,
    },
    {
      case: 'GET /monitors rows + JSON (200)',
      bytes: sizes.monitors,
      median_ms: monitors.median,
      p95_ms: monitors.p95,
      max_ms: monitors.max,
    },
  ],
  targets: [
    { name: 'status render at maximum size, p95', value: `${status.p95} ms`, target: '< 20 ms', met: status.p95 < 20 },
    { name: 'status ETag unchanged when only ages change', value: String(stable), target: 'true', met: stable },
  ],
  notes: [
    `${runs} runs after 20 warm-up runs`,
    "heartbeat and BMC parts empty (their cost is the membership benches')",
  ],
});
process.exit(ok ? 0 : 1);
