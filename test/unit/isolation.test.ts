/**
 * The test-isolation support (test/support/isolation.ts): every test file gets its own
 * loopback block under a lock, and its temporary directories go with it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ip, tempDir } from '../support/isolation';

const LOCKS = path.join(os.tmpdir(), 'lifeline-test-loopback');

test('ip() maps 127.0.X.Y into one block 127.B.X.Y, held by a lock file naming this process', () => {
  const a = ip('127.0.0.1');
  const m = /^127\.(\d+)\.0\.1$/.exec(a);
  expect(m).not.toBeNull();
  const block = Number(m![1]);
  expect(block).toBeGreaterThanOrEqual(1);
  expect(block).toBeLessThanOrEqual(254);
  expect(ip('127.0.2.13')).toBe(`127.${block}.2.13`);
  expect(fs.readFileSync(path.join(LOCKS, `${block}.lock`), 'utf8').trim()).toBe(String(process.pid));
});

test('another test file (a fresh module registry) gets another block while this one is held', () => {
  const mine = ip('127.0.0.1').split('.')[1];
  let other = '';
  jest.isolateModules(() => {
    other = (require('../support/isolation') as typeof import('../support/isolation')).ip('127.0.0.1').split('.')[1];
  });
  expect(other).not.toBe(mine);
  expect(fs.existsSync(path.join(LOCKS, `${other}.lock`))).toBe(true);
});

test('a lock left by a process that is gone is taken over', () => {
  // Fill every free block with a dead holder's lock except none: the next allocation must
  // reclaim one of them rather than fail.
  const dead = 2 ** 22 + 1; // above pid_max's default range: no such process
  const made: string[] = [];
  for (let b = 1; b <= 254; b++) {
    const f = path.join(LOCKS, `${b}.lock`);
    try {
      fs.writeFileSync(f, `${dead}\n`, { flag: 'wx' });
      made.push(f);
    } catch {
      // held by a live run (ours or another checkout's)
    }
  }
  let got = '';
  jest.isolateModules(() => {
    got = (require('../support/isolation') as typeof import('../support/isolation')).ip('127.0.0.1');
  });
  const reclaimed = path.join(LOCKS, `${got.split('.')[1]}.lock`);
  expect(made).toContain(reclaimed);
  expect(fs.readFileSync(reclaimed, 'utf8').trim()).toBe(String(process.pid));
  for (const f of made.filter((x) => x !== reclaimed)) {
    fs.rmSync(f, { force: true });
  }
});

test('ip() refuses anything but a conventional test address', () => {
  expect(() => ip('10.0.0.1')).toThrow('ip() maps test addresses of the form 127.0.X.Y, not "10.0.0.1"');
  expect(() => ip('127.0.300.1')).toThrow('127.0.X.Y');
});

test('tempDir() makes a fresh directory and registers its removal for the end of the file', () => {
  const registry = (globalThis as { __lifelineTeardown?: Array<() => void> }).__lifelineTeardown!;
  const before = registry.length;
  const dir = tempDir('lifeline-isolation-');
  expect(fs.statSync(dir).isDirectory()).toBe(true);
  expect(path.dirname(dir)).toBe(os.tmpdir());
  fs.writeFileSync(path.join(dir, 'f'), 'x');
  expect(registry.length).toBe(before + 1);
  registry[registry.length - 1](); // what the environment's teardown runs
  expect(fs.existsSync(dir)).toBe(false);
});
