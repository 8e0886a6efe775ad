// IpmitoolRunner with a fake process runner: argv and environment (no password in argv),
// the one-process-per-BMC policy, and how process endings map to results.
import { inspect } from 'node:util';
import { ipmitoolArgs, ipmitoolEnv } from '../../../backend/bmc/ipmitool-args';
import { IpmitoolRunner, type ExecFunction } from '../../../backend/bmc/ipmitool';
import type { BoundedRun, BoundedRunOptions } from '../../../backend/bmc/spawn-bounded';
import type { IpmiCallResult, IpmiTarget } from '../../../backend/bmc/types';
import { deferred, flush, type Deferred } from './fake-time';
import { TARGET } from './results';

const PASSWORD = TARGET.password.reveal();

function run(output: string, extra: Partial<BoundedRun> = {}): BoundedRun {
  return { output, exitCode: 0, signal: null, timedOut: false, pid: 4242, startedAt: 1, durationMs: 21, ...extra };
}

interface ExecCall {
  file: string;
  args: string[];
  options: BoundedRunOptions;
  done: Deferred<BoundedRun>;
}

/** A fake exec that records calls and tracks how many "processes" run at once. */
function fakeExec() {
  const calls: ExecCall[] = [];
  let running = 0;
  let maxRunning = 0;
  const exec: ExecFunction = (file, args, options) => {
    const done = deferred<BoundedRun>();
    calls.push({ file, args, options, done });
    running++;
    maxRunning = Math.max(maxRunning, running);
    return done.promise.finally(() => running--);
  };
  return { exec, calls, max: () => maxRunning };
}

describe('ipmitool argv and environment', () => {
  test('argv is the documented command line and never holds the password', () => {
    const args = ipmitoolArgs(TARGET, 'status');
    expect(args).toEqual('-I lanplus -C 3 -H 192.0.2.12 -p 623 -U admin -E -N 1 -R 1 chassis power status'.split(' '));
    expect(args.join(' ')).not.toContain(PASSWORD);
    expect(args).not.toContain('-P');
    expect(ipmitoolArgs(TARGET, 'off', { retransmitSec: 3, retries: 2 }).slice(-8)).toEqual(
      '-E -N 3 -R 2 chassis power off'.split(' ').slice(-8)
    );
  });

  test('the child environment is PATH, C locale and IPMI_PASSWORD only', () => {
    const env = ipmitoolEnv(TARGET, { PATH: '/bin', HOME: '/root', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(env).toEqual({ PATH: '/bin', LC_ALL: 'C', IPMI_PASSWORD: PASSWORD });
    expect(process.env.IPMI_PASSWORD).toBeUndefined();
  });

  test('the password does not leak through JSON, string conversion or inspection of a target', () => {
    const shown = [JSON.stringify(TARGET), String(TARGET.password), `${TARGET.password}`, inspect(TARGET)];
    for (const s of shown) {
      expect(s).not.toContain(PASSWORD);
    }
    expect(JSON.stringify(TARGET)).toContain('"password":"[redacted]"');
  });
});

describe('IpmitoolRunner', () => {
  test('passes argv, environment and hard timeout to the process runner', async () => {
    const f = fakeExec();
    const runner = new IpmitoolRunner({
      exec: f.exec,
      hardTimeoutMs: 1234,
      ipmitoolPath: '/usr/bin/ipmitool',
      parentEnv: { PATH: '/p' },
    });
    const pending = runner.run(TARGET, 'status');
    await flush();
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0].file).toBe('/usr/bin/ipmitool');
    expect(f.calls[0].args).toEqual(ipmitoolArgs(TARGET, 'status'));
    expect(f.calls[0].options.env).toEqual({ PATH: '/p', LC_ALL: 'C', IPMI_PASSWORD: PASSWORD });
    expect(f.calls[0].options.hardTimeoutMs).toBe(1234);
    f.calls[0].done.resolve(run('Chassis Power is on\n'));
    await expect(pending).resolves.toMatchObject({ outcome: 'ok', ok: true, power: 'on', pid: 4242, joined: false });
  });

  test.each<[string, BoundedRun, Partial<IpmiCallResult>]>([
    ['power off', run('Chassis Power is off\n'), { outcome: 'ok', power: 'off' }],
    [
      'a session error',
      run('Error: Unable to establish IPMI v2 / RMCP+ session\n', { exitCode: 1 }),
      { outcome: 'error', error: 'session: Error: Unable to establish IPMI v2 / RMCP+ session (exit 1)' },
    ],
    [
      'the hard timeout',
      run('', { exitCode: null, signal: 'SIGKILL', timedOut: true }),
      { outcome: 'timeout', signal: 'SIGKILL', error: 'ipmitool did not finish within 10000 ms: killed (SIGKILL)' },
    ],
    [
      'a missing binary',
      run('', { exitCode: null, pid: undefined, spawnError: 'ENOENT: spawn ipmitool ENOENT' }),
      {
        outcome: 'spawn_error',
        error: 'cannot run ipmitool: ENOENT: spawn ipmitool ENOENT; install it with: apt-get install -y ipmitool',
      },
    ],
  ])('maps %s', async (_name, bounded, expected) => {
    const runner = new IpmitoolRunner({ exec: () => Promise.resolve(bounded) });
    const r = await runner.run(TARGET, 'status');
    expect(r).toMatchObject({ ...expected, ok: expected.outcome === 'ok' });
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  test('an exec that throws gives spawn_error, not a rejection', async () => {
    const runner = new IpmitoolRunner({ exec: () => Promise.reject(new Error('EAGAIN')) });
    await expect(runner.run(TARGET, 'off')).resolves.toMatchObject({
      outcome: 'spawn_error',
      error: 'cannot run ipmitool: EAGAIN',
    });
  });

  test('concurrent status calls to one BMC share one process', async () => {
    const f = fakeExec();
    const seen: IpmiCallResult[] = [];
    const runner = new IpmitoolRunner({ exec: f.exec, onCall: (r) => seen.push(r) });
    const calls = [runner.run(TARGET, 'status'), runner.run(TARGET, 'status'), runner.run(TARGET, 'status')];
    await flush();
    expect(f.calls).toHaveLength(1);
    f.calls[0].done.resolve(run('Chassis Power is on\n'));
    const results = await Promise.all(calls);
    expect(results.map((r) => [r.power, r.joined])).toEqual([
      ['on', false],
      ['on', true],
      ['on', true],
    ]);
    expect(seen).toHaveLength(1); // joins are not calls
  });

  test('a control call queues behind a running status; a further one is refused as busy', async () => {
    const f = fakeExec();
    const seen: IpmiCallResult[] = [];
    const runner = new IpmitoolRunner({ exec: f.exec, onCall: (r) => seen.push(r) });
    const status = runner.run(TARGET, 'status');
    const off = runner.run(TARGET, 'off');
    const reset = await runner.run(TARGET, 'reset');
    expect(reset).toMatchObject({
      outcome: 'busy',
      ok: false,
      error: 'another power control call to this BMC is already waiting',
    });
    expect(runner.inFlight(TARGET)).toEqual({ running: 'status', queued: true });
    await flush();
    expect(f.calls.map((c) => c.args.at(-1))).toEqual(['status']);
    f.calls[0].done.resolve(run('Chassis Power is on\n'));
    await status;
    await flush();
    expect(f.calls.map((c) => c.args.at(-1))).toEqual(['status', 'off']);
    expect((await runner.run(TARGET, 'status')).outcome).toBe('busy');
    f.calls[1].done.resolve(run('Chassis Power Control: Down/Off\n'));
    await expect(off).resolves.toMatchObject({ outcome: 'ok', command: 'off' });
    expect(f.max()).toBe(1);
    expect(seen.map((r) => r.outcome)).toEqual(['busy', 'ok', 'busy', 'ok']);
    expect(runner.inFlight(TARGET)).toEqual({ running: undefined, queued: false });
  });

  test('BMCs are independent: a hung one does not block another', async () => {
    const f = fakeExec();
    const runner = new IpmitoolRunner({ exec: f.exec });
    const other: IpmiTarget = { ...TARGET, address: '192.0.2.13' };
    void runner.run(TARGET, 'status');
    const second = runner.run(other, 'status');
    await flush();
    expect(f.calls).toHaveLength(2);
    f.calls[1].done.resolve(run('Chassis Power is off\n'));
    await expect(second).resolves.toMatchObject({ power: 'off' });
  });
});
