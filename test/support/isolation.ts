/**
 * Test isolation: what one test file binds and writes never meets another test file's, in
 * this run or in a run of another checkout on the same machine. The whole API:
 *
 *   import { ip, tempDir } from '../support/isolation';
 *
 *   ip('127.0.0.1')   -> '127.B.0.1'   this file's own loopback block 127.B.0.0/16: write
 *   ip('127.0.1.12')  -> '127.B.1.12'  addresses as before (127.0.X.Y) and wrap them in ip().
 *                                      B (1-254) is taken at the first call, held under a
 *                                      machine-wide lock file, and given back after the file.
 *   tempDir('lifeline-x-')             a fresh directory under the system temp dir, removed
 *                                      (recursively) after the file's last afterAll hook.
 *
 * Rules that make it work: bind only addresses from ip() (never 0.0.0.0 or 127.0.0.1), and
 * keep fixed ports below 32768 (above it is the kernel's ephemeral range, where any process's
 * wildcard-bound UDP senders may sit). Ports may stay the same in every file: addresses differ.
 *
 * Cleanup runs in the test environment's teardown (test/setup/environment.js), after every
 * hook of the file, so agents stopped in afterAll are gone before their directories are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LOCK_DIR = path.join(os.tmpdir(), 'lifeline-test-loopback');
const CONVENTIONAL = /^127\.0\.(\d{1,3})\.(\d{1,3})$/;

let block: number | undefined;

/** Registers `fn` to run once the test file is done (see test/setup/environment.js). */
function atTeardown(fn: () => void): void {
  const registry = (globalThis as { __lifelineTeardown?: Array<() => void> }).__lifelineTeardown;
  if (registry) {
    registry.push(fn);
  } else {
    process.once('exit', fn); // outside the project's jest environment (a script, a REPL)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file of block `b` (content: our PID), taking over a dead holder's. */
function tryLock(b: number): boolean {
  const file = path.join(LOCK_DIR, `${b}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
    }
    const holder = Number(fs.readFileSync(file, 'utf8').trim() || 'NaN');
    if (Number.isInteger(holder) && alive(holder)) {
      return false;
    }
    fs.rmSync(file, { force: true }); // its process is gone (crashed run): reclaim once
  }
  return false;
}

function takeBlock(): number {
  fs.mkdirSync(LOCK_DIR, { recursive: true, mode: 0o1777 });
  // Start at a PID-derived block so that concurrent runs rarely contend for the same lock.
  const start = process.pid % 254;
  for (let i = 0; i < 254; i++) {
    const b = ((start + i) % 254) + 1;
    if (tryLock(b)) {
      atTeardown(() => {
        fs.rmSync(path.join(LOCK_DIR, `${b}.lock`), { force: true });
        block = undefined;
      });
      return b;
    }
  }
  throw new Error(`all 254 loopback blocks are taken (lock files in ${LOCK_DIR}): too many test runs at once`);
}

/** Maps a conventional test address 127.0.X.Y into this file's block 127.B.X.Y. */
export function ip(conventional: string): string {
  const m = CONVENTIONAL.exec(conventional);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) {
    throw new Error(`ip() maps test addresses of the form 127.0.X.Y, not "${conventional}"`);
  }
  block ??= takeBlock();
  return `127.${block}.${m[1]}.${m[2]}`;
}

/** A new temporary directory, removed with everything in it when the test file is done. */
export function tempDir(prefix = 'lifeline-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  atTeardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
