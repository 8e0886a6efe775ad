// Runs one child process with a hard deadline: when the deadline passes the child gets
// SIGKILL (not SIGTERM: a process stuck waiting on a dead BMC has nothing to clean up, and
// SIGKILL cannot be ignored). The promise resolves only once the child has really exited
// and its pipes are closed, so a caller that holds a "one process per BMC" slot until then
// can never overlap two processes. It never rejects.

import { spawn } from 'node:child_process';
import { monotonicNow } from '../time/clock';

export interface BoundedRunOptions {
  env: NodeJS.ProcessEnv;
  hardTimeoutMs: number;
  /** Output beyond this many bytes is dropped: a confused tool cannot fill our memory. */
  maxOutputBytes?: number;
  /** Called with the child's PID right after it started (tests use it to watch for leftovers). */
  onSpawn?: (pid: number) => void;
}

export interface BoundedRun {
  /** Combined stdout and stderr, in arrival order. */
  output: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the process could not be started at all. */
  spawnError?: string;
  pid?: number;
  startedAt: number;
  durationMs: number;
}

export function runBounded(file: string, args: string[], options: BoundedRunOptions): Promise<BoundedRun> {
  const maxBytes = options.maxOutputBytes ?? 16 * 1024;
  // Wall clock: a timestamp people read in evidence; the duration is measured on the monotonic clock.
  const startedAt = Date.now();
  const t0 = monotonicNow();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    let settled = false;
    const settle = (r: Omit<BoundedRun, 'output' | 'startedAt' | 'durationMs' | 'timedOut'>) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(deadline);
      resolve({
        ...r,
        output: Buffer.concat(chunks).toString('utf8'),
        timedOut,
        startedAt,
        durationMs: monotonicNow() - t0,
      });
    };
    const collect = (chunk: Buffer) => {
      if (bytes < maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - bytes));
        bytes += chunk.length;
      }
    };

    // stdin is /dev/null: ipmitool prompts for a password on the terminal when IPMI_PASSWORD
    // is missing, and a prompt nobody answers would otherwise hang until the deadline.
    const child = spawn(file, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.hardTimeoutMs);
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => {
      // 'error' after a successful spawn (e.g. kill() failed) must not end the wait: the
      // process may still be running. Only a failed spawn (no PID) is final here.
      if (child.pid === undefined) {
        settle({
          exitCode: null,
          signal: null,
          spawnError: `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${err.message}`,
        });
      }
    });
    child.on('close', (code, signal) => {
      settle({ exitCode: code, signal, pid: child.pid });
    });
    if (child.pid !== undefined) {
      options.onSpawn?.(child.pid);
    }
  });
}
