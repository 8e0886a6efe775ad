// `npm run demo`: a working two-server cluster on this machine, from examples/loopback-demo.yaml.
// Two simulated BMCs (ipmi_sim on 127.0.1.1 and 127.0.1.2), two agents (127.0.0.1 and
// 127.0.0.2), an admin token, failover group failover1 started on server1; then a fatal
// PET test trap from server1's BMC, and the cluster's answer: failover1 fails over to server2. Runs until Ctrl-C (`-- --once`: show the answer, clean up, exit).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, spawnAgent, waitReady } from './lib/agents.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureTools } = require(path.join(root, 'test/setup/ensure-tools.js'));
const { startBmc, SIM_PASSWORD } = require(path.join(root, 'build/backend/sim/ipmi-sim.js'));
const { createToken } = require(path.join(root, 'build/backend/api/tokens.js'));
const { dump } = require('js-yaml');

const once = process.argv.includes('--once');
const CONFIG = path.join(root, 'examples/loopback-demo.yaml');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-demo-'));
const say = (text) => process.stdout.write(`\n== ${text}\n`);

ensureTools(['ipmi_sim', 'ipmitool']);
const admin = createToken('demo-admin', 'admin');
fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([admin.entry]), { mode: 0o600 });
const env = {
  ...process.env,
  LIFELINE_CLUSTER_SECRET: crypto.randomBytes(24).toString('base64url'),
  LIFELINE_BMC_PASSWORD: SIM_PASSWORD,
  LIFELINE_STATE_DIR: dir,
};

const bmcs = [];
const agents = [];
let stopping = false;
async function stop(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  for (const a of agents) {
    a.kill('SIGTERM');
  }
  await Promise.all(agents.map((a) => (a.exitCode === null ? new Promise((r) => a.once('exit', r)) : undefined)));
  await Promise.all(bmcs.map((b) => b.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

function lifeline(args, url) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...env, LIFELINE_URL: url, LIFELINE_TOKEN: admin.token },
  });
  process.stdout.write(`$ lifeline ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  return r.status;
}

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

/** The demo's exec resource writes this file where it runs (examples/loopback-demo.yaml). */
const groupFile = (server) => fs.existsSync(path.join(dir, `failover1.app.${server}`));

async function main() {
  say('simulated BMCs (ipmi_sim)');
  for (const [name, address] of [
    ['bmc-server1', '127.0.1.1'],
    ['bmc-server2', '127.0.1.2'],
  ]) {
    bmcs.push(await startBmc({ address, port: 9623, name }));
    console.log(`${name}: ${address}:9623 (chassis power on)`);
  }
  say('agents');
  const urls = {};
  for (const [server, address] of [
    ['server1', '127.0.0.1'],
    ['server2', '127.0.0.2'],
  ]) {
    const child = spawnAgent({
      configFile: CONFIG,
      server,
      stateDir: path.join(dir, server),
      tokenFiles: [path.join(dir, 'tokens.yaml')],
      env,
      logFile: path.join(dir, `${server}.log`),
    });
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`agent ${server} exited (${code}); its log: ${path.join(dir, `${server}.log`)}`);
        stop(1);
      }
    });
    agents.push(child);
    urls[server] = `http://${address}:29011`;
  }
  await Promise.all(
    Object.entries(urls).map(([server, url]) => waitReady(url, { logFile: path.join(dir, `${server}.log`) }))
  );
  for (const [server, url] of Object.entries(urls)) {
    console.log(`${server}: ${url}  (log: ${path.join(dir, `${server}.log`)})`);
  }
  await new Promise((r) => setTimeout(r, 1500)); // a few heartbeat rounds
  say('cluster status: failover1 started by itself on server1, its first startup server');
  await waitForGroup(urls.server1, 'server1');
  lifeline(['status'], urls.server1);

  say("a fatal hardware event: server1's BMC reports a drive fault (PET 880385)");
  lifeline(['trap', 'send', '--to', '127.0.0.1:10162', '--from', '127.0.1.1', '--specific', '880385'], urls.server1);
  await waitForGroup(urls.server1, 'server2');
  say('mrw1 went into error, its recovery failed failover1 over to server2');
  lifeline(['monitor', 'list'], urls.server1);
  lifeline(['group', 'list'], urls.server2);
  lifeline(['events', '--limit', '8'], urls.server1);

  if (once) {
    await stop(0);
    return;
  }
  say('the demo cluster is running; Ctrl-C stops it');
  console.log(`export LIFELINE_URL=${urls.server1} LIFELINE_TOKEN=${admin.token}`);
  console.log('then try: lifeline status | lifeline events --follow | lifeline monitor clear mrw1');
  console.log('          lifeline group list | lifeline group move failover1 --server server1');
  console.log(`          curl -H "Authorization: Bearer $LIFELINE_TOKEN" $LIFELINE_URL/metrics`);
}

main().catch(async (e) => {
  console.error(e.message);
  await stop(1);
});
