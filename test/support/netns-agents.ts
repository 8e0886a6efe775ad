/**
 * What the network-namespace tests share beyond the lab itself (netns.ts): running agents
 * and the CLI inside a host's namespace, and looking at a host's addresses, neighbours and
 * reachability from inside it. Nothing here sends from the root namespace.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CommandResult, NetnsLab } from './netns';
import { CLI } from './paths';

/** Runs argv inside host `host` and returns its stdout; throws on a non-zero exit. */
export function inHost(lab: NetnsLab, host: number, argv: string[]): string {
  const r = lab.exec(lab.host(host), argv);
  if (r.code !== 0) {
    throw new Error(`${argv.join(' ')} in host${host} exited ${r.code}: ${r.stderr}`);
  }
  return r.stdout;
}

export const agentLog = (dir: string, server: string) => path.join(dir, `${server}.log`);

/**
 * `lifeline agent` for `server` inside host `host`: configuration `dir/cluster.yaml`, tokens
 * `dir/tokens.yaml`, state `dir/<server>`, log `dir/<server>.log` (killed by lab.destroy()).
 */
export function spawnAgentIn(lab: NetnsLab, host: number, dir: string, server: string, secret: string): ChildProcess {
  return lab.spawnIn(
    lab.host(host),
    [
      process.execPath,
      CLI,
      'agent',
      '--config',
      path.join(dir, 'cluster.yaml'),
      '--server',
      server,
      '--state-dir',
      path.join(dir, server),
      '--tokens',
      path.join(dir, 'tokens.yaml'),
    ],
    { logFile: agentLog(dir, server), env: { LIFELINE_CLUSTER_SECRET: secret } }
  );
}

/** Resolves when every log says its agent's API listens (no request from the root namespace). */
export async function waitListening(logFiles: string[], ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = logFiles.map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : ''));
    if (text.every((t) => t.includes('"msg":"API listening"'))) {
      return;
    }
    if (text.some((t) => t.includes('"level":60')) || Date.now() > deadline) {
      throw new Error(`agents did not start:\n${text.join('\n---\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The last `lines` lines of each agent's log, for a timeout's message. */
export function logTails(dir: string, servers: string[], lines = 30): string {
  const tail = (s: string) =>
    fs.existsSync(agentLog(dir, s)) ? fs.readFileSync(agentLog(dir, s), 'utf8').trim().split('\n').slice(-lines) : [];
  return servers.map((s) => `--- ${s} (last lines)\n${tail(s).join('\n')}`).join('\n');
}

/** `lifeline <args> --url URL --token-file FILE` run inside host `host`. */
export function lifelineIn(
  lab: NetnsLab,
  host: number,
  target: { url: string; tokenFile: string },
  args: string[],
  timeoutMs = 20_000
): CommandResult {
  return lab.exec(
    lab.host(host),
    [process.execPath, CLI, ...args, '--url', target.url, '--token-file', target.tokenFile],
    { timeoutMs }
  );
}

/** The command's JSON output; throws with its output when it exited with another code. */
export function jsonOf<T>(r: CommandResult, what: string, codes = [0]): T {
  if (!codes.includes(r.code ?? -1)) {
    throw new Error(`${what} exited ${r.code}: ${r.stderr}${r.stdout}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** Usable (not tentative) addresses on the host's interface, as address/prefix. */
export function addresses(lab: NetnsLab, host: number, iface: string): string[] {
  const links = JSON.parse(inHost(lab, host, ['ip', '-j', 'addr', 'show', 'dev', iface])) as Array<{
    addr_info: Array<{ local: string; prefixlen: number; tentative?: boolean }>;
  }>;
  return links.flatMap((l) => l.addr_info.filter((a) => !a.tentative).map((a) => `${a.local}/${a.prefixlen}`));
}

export const mac = (lab: NetnsLab, host: number, iface: string) =>
  inHost(lab, host, ['cat', `/sys/class/net/${iface}/address`]).trim();

/** The MAC the host's neighbour table holds for `address`, if any. */
export function neighbour(lab: NetnsLab, host: number, address: string, iface: string): string | undefined {
  const entries = JSON.parse(inHost(lab, host, ['ip', '-j', 'neigh', 'show', address, 'dev', iface])) as Array<{
    lladdr?: string;
  }>;
  return entries[0]?.lladdr;
}

// A TCP connect to a closed port: the address's holder answers with a reset.
const PROBE = `const s = require('node:net').connect(9, process.argv[1]);
s.setTimeout(2000, () => { console.log('timeout'); s.destroy(); });
s.on('connect', () => { console.log('connected'); s.destroy(); });
s.on('error', (e) => console.log(e.code));`;

/** 'ECONNREFUSED' when some host holds the address (without ping, which CI may lack). */
export const reach = (lab: NetnsLab, host: number, address: string) =>
  inHost(lab, host, [process.execPath, '-e', PROBE, address]).trim();
