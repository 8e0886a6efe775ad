/**
 * Helpers for the heartbeat integration tests. They load the COMPILED membership module
 * (build/backend/membership), because that is where the worker thread's entry exists and
 * what the agent ships; run `npx tsc -p backend/tsconfig.json` first. A build older than
 * the sources fails loudly instead of testing yesterday's code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateConfig, type ClusterConfig } from '../../../backend/config/model';
import type * as Membership from '../../../backend/membership';
import { ip } from '../../support/isolation';
import { ROOT } from '../../support/paths';

const SOURCES = path.join(ROOT, 'backend', 'membership');
const BUILT = path.join(ROOT, 'build', 'backend', 'membership');
export const BUILT_INDEX = path.join(BUILT, 'index.js');

export function loadBuilt(): typeof Membership {
  for (const f of fs.readdirSync(SOURCES).filter((n) => n.endsWith('.ts'))) {
    const js = path.join(BUILT, f.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(path.join(SOURCES, f)).mtimeMs) {
      throw new Error(`${js} is missing or older than its source: run "npx tsc -p backend/tsconfig.json" first`);
    }
  }
  return require(BUILT) as typeof Membership;
}

/**
 * UDP ports for this test file: the addresses are the file's own loopback block
 * (test/support/isolation.ts), so ports need only differ within the file.
 */
let nextPort = 21000;

export function ports(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => nextPort + i);
  nextPort += n;
  return p;
}

export interface LoopbackOptions {
  servers?: number;
  intervalMs?: number;
  timeoutMs?: number;
  bmc?: boolean;
  groups?: string[];
}

/**
 * server1..N on 127.B.0.x (interconnect 0) and 127.B.2.x (interconnect 1) of this file's
 * loopback block: all of 127.0.0.0/8 is loopback on Linux, no setup needed.
 */
export function loopbackConfig(o: LoopbackOptions = {}): ClusterConfig {
  const n = o.servers ?? 2;
  const names = Array.from({ length: n }, (_, i) => `server${i + 1}`);
  const [p0, p1] = ports(2);
  const r = validateConfig({
    cluster: {
      name: 'itest',
      heartbeat: { intervalMs: o.intervalMs ?? 100, timeoutMs: o.timeoutMs ?? 500 },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: names.map((name, i) => ({
      name,
      api: { address: ip(`127.0.0.${i + 1}`) },
      ...(o.bmc ? { bmc: { address: ip(`127.0.1.${i + 1}`), user: 'admin', password: { env: 'BMC' } } } : {}),
    })),
    interconnects: [
      { type: 'lan', port: p0, addresses: Object.fromEntries(names.map((s, i) => [s, ip(`127.0.0.${i + 1}`)])) },
      { type: 'lan', port: p1, addresses: Object.fromEntries(names.map((s, i) => [s, ip(`127.0.2.${i + 1}`)])) },
    ],
    groups: (o.groups ?? []).map((g) => ({
      name: g,
      resources: [{ name: `${g}-app`, type: 'exec', start: 'true', stop: 'true' }],
    })),
  });
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

/** Polls `check` until it returns true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Blocks this thread's event loop (a busy agent) for `ms`. */
export function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}
