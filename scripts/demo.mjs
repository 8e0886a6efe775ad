// `npm run demo`: a working two-server cluster on this machine, from examples/loopback-demo.yaml.
// Two simulated BMCs (ipmi_sim on 127.0.1.1 and 127.0.1.2), two agents (127.0.0.1 and
// 127.0.0.2, API port 29011), an admin token, failover group failover1 started on server1, and
// a real Prometheus scraping both agents with the project's rules when Debian's prometheus is
// installed, and the plugin's pages on the Grafana-compatible test host (test/browser/host/)
// with a banner saying it is a preview outside Grafana. Prints the URLs and the one command that injects a fatal PET from server1's BMC
// (failover1 then fails over to server2), follows the event log, and runs until Ctrl-C, which
// stops every process it started (by PID) and removes its temporary folder.
//   -- --once   inject the trap itself, show the cluster's answer, clean up and exit (the test)
//   LIFELINE_DEMO_NET=127.N   use 127.N.x.y instead of 127.0.x.y (tests of several checkouts)
//   LIFELINE_DEMO_TOKEN=...   the admin token to use instead of a random one (examples/compose/)
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, spawnAgent, waitReady } from './lib/agents.mjs';
import { firingAlerts, installed as prometheusInstalled, startPrometheus, targetsUp } from './lib/demo-prometheus.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureTools } = require(path.join(root, 'test/setup/ensure-tools.js'));
const { startBmc, SIM_PASSWORD } = require(path.join(root, 'build/backend/sim/ipmi-sim.js'));
const { createToken, hashToken } = require(path.join(root, 'build/backend/api/tokens.js'));
const { dump } = require('js-yaml');

const once = process.argv.includes('--once');
const net = process.env.LIFELINE_DEMO_NET ?? '127.0';
if (!/^127\.\d{1,3}$/.test(net)) {
  throw new Error(`LIFELINE_DEMO_NET must look like 127.N, not "${net}"`);
}
const at = (x, y) => `${net}.${x}.${y}`;
const API_PORT = 29011;
const TRAP = `${at(0, 1)}:10162`;
const PROMETHEUS = `${at(0, 1)}:29090`;
const PREVIEW_PORT = 29030;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-demo-'));
const say = (text) => process.stdout.write(`\n== ${text}\n`);

ensureTools(['ipmi_sim', 'ipmitool']);
const CONFIG = path.join(dir, 'cluster.yaml');
fs.writeFileSync(
  CONFIG,
  fs.readFileSync(path.join(root, 'examples/loopback-demo.yaml'), 'utf8').replaceAll('127.0.', `${net}.`)
);
// LIFELINE_DEMO_TOKEN: a token chosen outside (examples/compose/ gives the same one to Grafana).
const given = process.env.LIFELINE_DEMO_TOKEN;
const admin = given
  ? { token: given, entry: { name: 'demo-admin', role: 'admin', sha256: hashToken(given) } }
  : createToken('demo-admin', 'admin');
const viewer = createToken('demo-prometheus', 'viewer');
// The plugin preview's proxy gives each Grafana role its own token (plugin.json routes).
const consoleViewer = createToken('demo-console-viewer', 'viewer');
const consoleOperator = createToken('demo-console-operator', 'operator');
fs.writeFileSync(
  path.join(dir, 'tokens.yaml'),
  dump([admin.entry, viewer.entry, consoleViewer.entry, consoleOperator.entry]),
  { mode: 0o600 }
);
fs.writeFileSync(path.join(dir, 'prometheus.token'), viewer.token, { mode: 0o600 });
const env = {
  ...process.env,
  LIFELINE_CLUSTER_SECRET: crypto.randomBytes(24).toString('base64url'),
  LIFELINE_BMC_PASSWORD: SIM_PASSWORD,
  LIFELINE_STATE_DIR: dir,
};

const bmcs = [];
const children = []; // agents, Prometheus, the event follower: stopped by PID
let preview;
let stopping = false;
async function stop(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = running.map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of running) {
    process.kill(c.pid, 'SIGTERM'); // agents stop their groups first
  }
  const timer = setTimeout(() => running.forEach((c) => c.exitCode === null && process.kill(c.pid, 'SIGKILL')), 15_000);
  await Promise.all(exited);
  clearTimeout(timer);
  await preview?.stop();
  await Promise.all(bmcs.map((b) => b.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => stop(0));
}

function lifeline(args, url) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...env, LIFELINE_URL: url, LIFELINE_TOKEN: admin.token },
  });
  process.stdout.write(`$ lifeline ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  return r.status;
}

/** The demo's exec resource writes this file where it runs (examples/loopback-demo.yaml). */
const groupFile = (server) => fs.existsSync(path.join(dir, `failover1.app.${server}`));

/** Waits (at most 10 s) until failover1 runs on `server`, as the agent at `url` sees it. */
async function waitForGroup(url, server) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/v1/groups/failover1`, { headers: { Authorization: `Bearer ${admin.token}` } });
    if (res.ok && (await res.json()).currentServer === server && groupFile(server)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`failover1 did not come online on ${server} within 10 s`);
}

async function startCluster() {
  say('simulated BMCs (ipmi_sim)');
  for (const [name, address] of [
    ['bmc-server1', at(1, 1)],
    ['bmc-server2', at(1, 2)],
  ]) {
    bmcs.push(await startBmc({ address, port: 9623, name }));
    console.log(`${name}: ${address}:9623 (chassis power on)`);
  }
  say('agents');
  const urls = { server1: `http://${at(0, 1)}:${API_PORT}`, server2: `http://${at(0, 2)}:${API_PORT}` };
  for (const server of Object.keys(urls)) {
    const logFile = path.join(dir, `${server}.log`);
    const child = spawnAgent({
      configFile: CONFIG,
      server,
      stateDir: path.join(dir, server),
      tokenFiles: [path.join(dir, 'tokens.yaml')],
      env,
      logFile,
    });
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`agent ${server} exited (${code}); its log: ${logFile}`);
        stop(1);
      }
    });
    children.push(child);
  }
  await Promise.all(
    Object.entries(urls).map(([server, url]) => waitReady(url, { logFile: path.join(dir, `${server}.log`) }))
  );
  for (const [server, url] of Object.entries(urls)) {
    console.log(
      `${server}: ${url}  (pid ${children.find((c) => c.spawnargs.includes(server)).pid}, log: ${path.join(dir, `${server}.log`)})`
    );
  }
  return urls;
}

async function startMonitoring(urls) {
  say('Prometheus');
  if (!prometheusInstalled()) {
    console.log(
      'Prometheus is not installed, so none runs: apt-get install prometheus (Debian) and start the demo again.'
    );
    return undefined;
  }
  const p = await startPrometheus({
    dir: path.join(dir, 'prometheus'),
    listen: PROMETHEUS,
    targets: Object.values(urls).map((u) => u.replace('http://', '')),
    tokenFile: path.join(dir, 'prometheus.token'),
    rules: path.join(root, 'provisioning/prometheus/lifeline-rules.yaml'),
  });
  children.push(p.child);
  const up = await targetsUp(p.url, 2);
  console.log(
    `Prometheus: ${p.url} (pid ${p.child.pid}), scraping job lifeline: ${up}/2 targets up, Lifeline rules loaded`
  );
  return p;
}

/**
 * The plugin pages on the Grafana-compatible host of the browser tests (test/browser/host/),
 * with both agents and a token per role, signed in as an Admin; the host (not the plugin)
 * shows a banner saying that this is a preview outside Grafana.
 */
async function startPreview(urls) {
  say('plugin pages (preview outside Grafana)');
  const host = path.join(root, 'test/browser/host/server.js');
  if (!fs.existsSync(host) || !fs.existsSync(path.join(root, 'dist/module.js'))) {
    console.log(
      'Plugin preview: not in this checkout (it needs the Grafana-compatible host test/browser/host/ and dist/). ' +
        'For the plugin in a real Grafana, see the README (install, or examples/compose/).'
    );
    return;
  }
  preview = await require(host).start({
    dist: path.join(root, 'dist'),
    settings: {
      enabled: true,
      jsonData: { agentUrls: [urls.server1, urls.server2] },
      secureJsonData: {
        viewerToken: consoleViewer.token,
        operatorToken: consoleOperator.token,
        adminToken: admin.token,
      },
    },
    user: { role: 'Admin', login: 'demo' },
    address: at(0, 1),
    port: PREVIEW_PORT,
    banner:
      'Preview outside Grafana: the Lifeline plugin on a Grafana-compatible test host, signed in as an Admin. ' +
      'In Grafana, install the plugin (README, Install) or run examples/compose/.',
  });
  console.log(
    `Plugin preview (outside Grafana, on a Grafana-compatible test host): ${preview.url}/a/lifeline-cluster-app/overview`
  );
}

const trapArgs = ['trap', 'send', '--to', TRAP, '--from', at(1, 1), '--specific', '880385'];

async function main() {
  const urls = await startCluster();
  await new Promise((r) => setTimeout(r, 1500)); // a few heartbeat rounds
  say('cluster status: failover1 started by itself on server1, its first startup server');
  await waitForGroup(urls.server1, 'server1');
  lifeline(['status'], urls.server1);
  const prometheus = await startMonitoring(urls);
  await startPreview(urls);

  say('the demo cluster is running');
  console.log(`temporary folder: ${dir}`);
  console.log(`export LIFELINE_URL=${urls.server1} LIFELINE_TOKEN=${admin.token}`);
  console.log(
    'then (npx lifeline, or lifeline after npm link): lifeline status | lifeline events --follow | lifeline group list'
  );
  console.log(`metrics: curl -H "Authorization: Bearer $LIFELINE_TOKEN" ${urls.server1}/metrics`);
  if (prometheus) {
    console.log(`Prometheus alerts: ${prometheus.url}/alerts   targets: ${prometheus.url}/targets`);
  }
  console.log("\ninject a fatal BMC trap (server1's BMC reports a drive fault, PET 880385), in another terminal:");
  console.log(`  npx lifeline ${trapArgs.join(' ')}`);

  if (once) {
    say("a fatal hardware event: server1's BMC reports a drive fault (PET 880385)");
    lifeline(trapArgs, urls.server1);
    await waitForGroup(urls.server1, 'server2');
    say('mrw1 went into error, its recovery failed failover1 over to server2');
    lifeline(['monitor', 'list'], urls.server1);
    lifeline(['group', 'list'], urls.server2);
    lifeline(['events', '--limit', '8'], urls.server1);
    if (prometheus) {
      console.log(
        `firing in Prometheus: ${(await firingAlerts(prometheus.url, 'LifelineBmcFatalEvent')).join(', ') || 'none'}`
      );
    }
    await stop(0);
    return;
  }
  say('events as they happen (Ctrl-C stops the demo and removes everything it started)');
  const follower = spawn(process.execPath, [CLI, 'events', '--follow', '--limit', '3'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, LIFELINE_URL: urls.server1, LIFELINE_TOKEN: admin.token },
  });
  children.push(follower);
}

main().catch(async (e) => {
  console.error(e.message);
  await stop(1);
});
