// Starting real agent processes from scripts (the demo and the benches): one place that
// knows the command line, where the log goes and how to wait for readiness.
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(root, 'build', 'backend', 'cli', 'main.js');

/** `lifeline agent` for one server; stdout and stderr go to `logFile`. */
export function spawnAgent({ configFile, server, stateDir, tokenFiles = [], env = {}, logFile }) {
  const log = fs.openSync(logFile, 'a');
  const args = [CLI, 'agent', '--config', configFile, '--server', server, '--state-dir', stateDir];
  if (tokenFiles.length > 0) {
    args.push('--tokens', ...tokenFiles);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  fs.closeSync(log);
  return child;
}

/** The API base URL of a server of a configuration object. */
export function apiUrl(config, server) {
  const s = config.servers.find((x) => x.name === server);
  const host = s.api.address.includes(':') ? `[${s.api.address}]` : s.api.address;
  return `http://${host}:${s.api.port ?? 29010}`;
}

/** Resolves when GET /api/v1/readyz answers 200; rejects after `ms` with the log's tail. */
export async function waitReady(url, { ms = 15_000, logFile } = {}) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/v1/readyz`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
  throw new Error(`${url} did not become ready within ${ms} ms\n${tail}`);
}

/**
 * A SNMPv1 PET datagram exactly as Debian's snmptrap builds it (captured on a scratch
 * loopback port), and the offset of its PET sequence number for senders that vary it.
 */
export async function capturePetPacket({ specific = 262402, source = '127.0.0.1', port = 10364 } = {}) {
  const { buildPetData } = require(path.join(root, 'build', 'backend', 'traps', 'pet', 'build.js'));
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(port, '127.0.0.1', r));
  const got = new Promise((r) => s.once('message', (m) => r(m)));
  const data = buildPetData({ specific, severity: 0x10, sequence: 1, time: new Date() });
  execFileSync('snmptrap', [
    '-v',
    '1',
    '-c',
    'public',
    `127.0.0.1:${port}`,
    '1.3.6.1.4.1.3183.1.1',
    source,
    '6',
    String(specific),
    '',
    '1.3.6.1.4.1.3183.1.1.1',
    'x',
    data.toString('hex'),
  ]);
  const packet = await got;
  s.close();
  return { packet, seqOffset: packet.indexOf(data) + 16 };
}
