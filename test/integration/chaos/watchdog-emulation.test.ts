/**
 * The chaos rig's emulated watchdog (test/support/chaos/watchdog-supervisor.cjs) on its own,
 * without an agent: a host namespace with a process in it, the supervisor in another
 * namespace reading the host's FIFO. Petting keeps the host alive, a final 'V' disarms the
 * timer, and silence after a byte other than 'V' resets the host: every process in its
 * namespace is killed. (What the agent does with it is contract B, tested in killed-holder
 * and partition.)
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../../support/chaos/checks';
import { tempDir } from '../../support/isolation';
import { createLab, type NetnsLab } from '../../support/netns';

const TIMEOUT_MS = 600;
const dir = tempDir('lifeline-watchdog-');
const fifo = path.join(dir, 'wd.fifo');
const events = path.join(dir, 'wd.events');
let lab: NetnsLab;
let victim: ChildProcess;
let writer: number;

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const said = () =>
  fs
    .readFileSync(events, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[1]);

beforeAll(async () => {
  lab = createLab(2, 1);
  spawnSync('mkfifo', [fifo]);
  fs.writeFileSync(events, '');
  const supervisor = path.join(__dirname, '..', '..', 'support', 'chaos', 'watchdog-supervisor.cjs');
  lab.spawnIn(lab.host(2), [process.execPath, supervisor, fifo, lab.host(1), String(TIMEOUT_MS), events], {
    logFile: path.join(dir, 'supervisor.log'),
  });
  victim = lab.spawnIn(lab.host(1), ['sleep', '600'], { logFile: path.join(dir, 'victim.log') });
  for (let i = 0; i < 100 && !said().includes('listening'); i++) {
    await sleep(50);
  }
  writer = fs.openSync(fifo, 'w');
}, 30_000);

afterAll(async () => {
  fs.closeSync(writer);
  await lab?.destroy();
});

test('petting faster than the timeout keeps the host; a final V disarms it', async () => {
  for (let i = 0; i < 10; i++) {
    fs.writeSync(writer, '.');
    await sleep(TIMEOUT_MS / 4);
  }
  fs.writeSync(writer, 'V');
  await sleep(2 * TIMEOUT_MS);
  expect(alive(victim)).toBe(true);
  expect(said()).toEqual(['listening', 'armed', 'disarmed']);
});

test('silence after a pet resets the host: every process in its namespace is killed', async () => {
  const exited = new Promise((r) => victim.once('exit', (_code, signal) => r(signal)));
  fs.writeSync(writer, '.');
  expect(await exited).toBe('SIGKILL');
  expect(said().slice(-2)).toEqual(['armed', 'reset']);
});
