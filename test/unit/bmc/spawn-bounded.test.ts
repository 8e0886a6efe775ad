// runBounded with tiny /bin/sh children: the hard deadline SIGKILLs, the promise waits for
// the real exit, output is capped, and a missing binary is a result, not an exception.
import { runBounded } from '../../../backend/bmc/spawn-bounded';

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runBounded', () => {
  test('collects stdout and stderr and the exit code', async () => {
    const r = await runBounded('sh', ['-c', 'echo out; echo err >&2; exit 3'], { env: ENV, hardTimeoutMs: 30_000 });
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false });
    expect(r.output.split('\n').sort()).toEqual(['', 'err', 'out']);
  });

  test('SIGKILLs a child that outlives the deadline and resolves only after it is gone', async () => {
    let spawned = 0;
    // exec: the shell becomes sleep, so the PID we kill is the process that hangs. The trap
    // shows SIGTERM would not do: only SIGKILL ends it.
    const r = await runBounded('sh', ['-c', "trap '' TERM; exec sleep 30"], {
      env: ENV,
      hardTimeoutMs: 200,
      onSpawn: (pid) => (spawned = pid),
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(r.pid).toBe(spawned);
    expect(alive(spawned)).toBe(false);
  });

  test('stdin is /dev/null: a prompt for input sees end-of-file instead of hanging', async () => {
    const r = await runBounded('sh', ['-c', 'read answer; echo "got [$answer] rc=$?"'], {
      env: ENV,
      hardTimeoutMs: 30_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.output.trim()).toBe('got [] rc=1');
  });

  test('caps the collected output', async () => {
    const r = await runBounded('sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" x'], {
      env: ENV,
      hardTimeoutMs: 30_000,
      maxOutputBytes: 1000,
    });
    expect(r.output).toHaveLength(1000);
  });

  test('a missing binary is a spawnError', async () => {
    const r = await runBounded('/nonexistent/ipmitool', [], { env: ENV, hardTimeoutMs: 30_000 });
    expect(r.spawnError).toMatch(/^ENOENT/);
    expect(r.pid).toBeUndefined();
  });
});
