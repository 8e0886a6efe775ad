import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigStore } from '../../backend/config/store';
import { tempDir } from '../support/isolation';

const WRITER = path.join(__dirname, 'children', 'store-writer.js');
const TARGET = 200;

interface Round {
  acknowledged: number;
  killed: boolean;
  /** Mean time between two acknowledged writes in this round (ms), when it saw two. */
  writeMs?: number;
}

/**
 * Runs the writer and SIGKILLs it during its write number `afterWrites + 1`: `fraction` of one
 * write time (`writeMs`, measured) after the previous write was acknowledged. Counted in
 * writes, not milliseconds, so a slow disk (fsync of 100 ms on a loaded CI machine) is hit
 * mid-write as often as a fast one.
 */
function round(dir: string, afterWrites: number, fraction: number, writeMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, String(TARGET)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = 0;
    let seen = 0;
    let killed = false;
    let buffer = '';
    const times: number[] = [];
    const arm = () =>
      setTimeout(() => {
        killed = child.kill('SIGKILL');
      }, fraction * writeMs);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') {
          times.push(Date.now());
          if (afterWrites === 0) {
            arm();
          }
        } else if (line.startsWith('wrote ')) {
          acknowledged = Number(line.slice(6));
          times.push(Date.now());
          if (++seen === afterWrites) {
            arm();
          }
        }
      }
    });
    child.on('error', reject);
    child.on('exit', () => {
      const writeMs = times.length > 2 ? (times[times.length - 1] - times[1]) / (times.length - 2) : undefined;
      resolve({ acknowledged, killed, ...(writeMs !== undefined ? { writeMs } : {}) });
    });
  });
}

test(`SIGKILL at random moments during ${TARGET} consecutive writes never leaves a torn or unknown config`, async () => {
  const dir = tempDir('lifeline-crash-');
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let lastAcknowledged = 0;
  let kills = 0;
  let writeMs = 20; // until measured
  try {
    for (let i = 0; i < 400 && lastAcknowledged < TARGET; i++) {
      const r = await round(dir, Math.floor(random() * 8), random() * 1.5, writeMs);
      kills += r.killed ? 1 : 0;
      writeMs = r.writeMs ?? writeMs;
      const current = new ConfigStore(dir, 20).current();
      if (lastAcknowledged === 0 && r.acknowledged === 0 && current === undefined) {
        continue; // killed before the first write completed: an empty store is the old state
      }
      expect(current).toBeDefined();
      const revision = current!.revision;
      // Durable: nothing acknowledged is lost. Atomic: at most the one in flight is newer.
      expect(revision).toBeGreaterThanOrEqual(Math.max(lastAcknowledged, r.acknowledged));
      expect(revision).toBeLessThanOrEqual(Math.max(lastAcknowledged, r.acknowledged) + 1);
      // The content is the one written for that revision, and its hash verified on read.
      expect(current!.config.cluster.name).toBe(`r${revision}`);
      lastAcknowledged = revision;
    }
    expect(lastAcknowledged).toBe(TARGET);
    expect(kills).toBeGreaterThanOrEqual(10);
    const leftovers = fs.readdirSync(dir).filter((f) => f.startsWith('.tmp-'));
    new ConfigStore(dir, 20); // opening cleans temporaries of dead writers
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    process.stderr.write(`store crash test: ${kills} kills, ${leftovers.length} temporaries left by killed writers\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);
