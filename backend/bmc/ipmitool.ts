// Runs `ipmitool -I lanplus ... chassis power <cmd>` against a BMC: the password only in the
// child's environment (ipmitool-args.ts), a hard deadline with SIGKILL (spawn-bounded.ts),
// at most one process per BMC (in-flight.ts), and the output read by a pure parser
// (ipmitool-output.ts). run() never rejects; every failure is an IpmiCallResult.
//
// Share ONE runner between the checker and the fencing code: the one-process-per-BMC rule
// only holds across callers that use the same runner.

import { DEFAULT_TIMING, ipmitoolArgs, ipmitoolEnv, type IpmitoolTiming } from './ipmitool-args';
import { interpretChassisOutput } from './ipmitool-output';
import { OneInFlight } from './in-flight';
import { runBounded, type BoundedRun, type BoundedRunOptions } from './spawn-bounded';
import type { ChassisCommand, IpmiCallResult, IpmiTarget } from './types';

/**
 * 10 s: well above what ipmitool needs to give up by itself with -N 1 -R 1 (about 2 s per
 * unanswered request), so the kill is a backstop for a wedged process, not the normal way a
 * call ends. That matters: a killed ipmitool cannot close its RMCP+ session, and a BMC has
 * only a few session slots.
 */
export const DEFAULT_HARD_TIMEOUT_MS = 10_000;

export type ExecFunction = (file: string, args: string[], options: BoundedRunOptions) => Promise<BoundedRun>;

export interface IpmitoolRunnerOptions {
  /** Path or name of the ipmitool binary (default: `ipmitool` on PATH). */
  ipmitoolPath?: string;
  /** ipmitool -N / -R (default -N 1 -R 1). */
  timing?: IpmitoolTiming;
  /** SIGKILL the child after this long (default 10 s). */
  hardTimeoutMs?: number;
  /** Environment to take PATH from (default: process.env); nothing else of it reaches the child. */
  parentEnv?: NodeJS.ProcessEnv;
  /** Called once per finished process and once per refused (busy) request; joins are not calls. */
  onCall?: (result: IpmiCallResult, target: IpmiTarget) => void;
  /** Called with each child's PID as it starts. */
  onSpawn?: (pid: number, target: IpmiTarget, command: ChassisCommand) => void;
  /** Process runner; replaced in unit tests. */
  exec?: ExecFunction;
}

export class IpmitoolRunner {
  private readonly gate = new OneInFlight<IpmiCallResult>();
  private readonly path: string;
  private readonly timing: IpmitoolTiming;
  private readonly hardTimeoutMs: number;
  private readonly exec: ExecFunction;

  constructor(private readonly options: IpmitoolRunnerOptions = {}) {
    this.path = options.ipmitoolPath ?? 'ipmitool';
    this.timing = options.timing ?? DEFAULT_TIMING;
    this.hardTimeoutMs = options.hardTimeoutMs ?? DEFAULT_HARD_TIMEOUT_MS;
    this.exec = options.exec ?? runBounded;
  }

  /** Runs (or joins, queues, refuses: see in-flight.ts) one chassis command. Never rejects. */
  run = async (target: IpmiTarget, command: ChassisCommand): Promise<IpmiCallResult> => {
    const admission = this.gate.request(bmcKey(target), command === 'status' ? 'status' : 'control', () =>
      this.spawnOne(target, command)
    );
    if (!admission.admitted) {
      const busy = failed(command, 'busy', admission.reason);
      this.options.onCall?.(busy, target);
      return busy;
    }
    const result = await admission.result;
    return admission.joined ? { ...result, joined: true } : result;
  };

  /** What runs against this BMC right now. */
  inFlight(target: Pick<IpmiTarget, 'address' | 'port'>): { running?: 'status' | 'control'; queued: boolean } {
    return this.gate.state(bmcKey(target));
  }

  private async spawnOne(target: IpmiTarget, command: ChassisCommand): Promise<IpmiCallResult> {
    let run: BoundedRun;
    try {
      run = await this.exec(this.path, ipmitoolArgs(target, command, this.timing), {
        env: ipmitoolEnv(target, this.options.parentEnv),
        hardTimeoutMs: this.hardTimeoutMs,
        onSpawn: (pid) => this.options.onSpawn?.(pid, target, command),
      });
    } catch (err) {
      // runBounded never throws; an injected exec might. Keep run()'s no-reject promise.
      // (startedAt is a wall-clock display timestamp, as in runBounded.)
      run = { output: '', exitCode: null, signal: null, timedOut: false, startedAt: Date.now(), durationMs: 0 };
      run.spawnError = err instanceof Error ? err.message : String(err);
    }
    const result = toResult(command, run, this.path, this.hardTimeoutMs);
    this.options.onCall?.(result, target);
    return result;
  }
}

/** One slot per BMC endpoint. */
export function bmcKey(target: Pick<IpmiTarget, 'address' | 'port'>): string {
  return `${target.address}|${target.port}`;
}

function toResult(command: ChassisCommand, run: BoundedRun, path: string, hardTimeoutMs: number): IpmiCallResult {
  const base = {
    command,
    output: run.output.trim().slice(0, 2000),
    exitCode: run.exitCode,
    signal: run.signal,
    pid: run.pid,
    joined: false,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
  };
  if (run.spawnError !== undefined) {
    const hint = /ENOENT/.test(run.spawnError) ? '; install it with: apt-get install -y ipmitool' : '';
    return { ...base, outcome: 'spawn_error', ok: false, error: `cannot run ${path}: ${run.spawnError}${hint}` };
  }
  if (run.timedOut) {
    return {
      ...base,
      outcome: 'timeout',
      ok: false,
      error: `ipmitool did not finish within ${hardTimeoutMs} ms: killed (SIGKILL)`,
    };
  }
  const verdict = interpretChassisOutput(command, run.output);
  if (verdict.ok) {
    return { ...base, outcome: 'ok', ok: true, power: verdict.power };
  }
  return {
    ...base,
    outcome: 'error',
    ok: false,
    error: `${verdict.reason}: ${verdict.message} (exit ${String(run.exitCode)})`,
  };
}

function failed(command: ChassisCommand, outcome: 'busy', error: string): IpmiCallResult {
  return {
    command,
    outcome,
    ok: false,
    error,
    output: '',
    exitCode: null,
    signal: null,
    joined: false,
    // A wall-clock display timestamp (IpmiCallResult.startedAt), not used for timing.
    startedAt: Date.now(),
    durationMs: 0,
  };
}
