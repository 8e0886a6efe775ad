// Fencing primitives: force a peer off (or reset / power-cycle it) through its BMC, then
// prove it by reading the chassis power back. WHEN to fence is decided elsewhere; this file
// only does it and returns the evidence (every command and every status reading, with
// timestamps and ipmitool's own words) for the alert log.
//
// Per attempt: send the command, then poll `chassis power status` until the expected state
// is read or `timeoutMs` (config fencing.timeoutMs) has passed. A failed command or an
// unconfirmed state starts the next attempt, up to `retries` more (config fencing.retries).
// Worst case: (retries + 1) x (command time + timeoutMs + retryDelayMs).
//
// Power-off starts with a status read, as fence_ipmilan does ("Success: Already OFF"): when
// another survivor fenced the peer first, this one confirms without sending a second off
// that could land after an operator powered the host on again.
//
// What counts as confirmed:
//   power-off    status reads "off". Polled at once: "off" is conclusive however early it is read.
//                If the command itself fails, one status read still follows: some BMCs refuse
//                to power off a chassis that is already off, and off is what we want.
//   reset        status reads "on" after the command was accepted (a reset keeps power on).
//   power-cycle  status reads "on" after the command was accepted (it goes off, then on; seeing
//                "off" in between is recorded as `offObserved`).
//   For reset and power-cycle the first read waits one poll interval, because an "on" read
//   before the BMC acted proves nothing. Neither can prove by power state alone that the
//   host really restarted; power-off is the only action whose result is observable.

import { sleep, systemClock, type Clock } from '../time/clock';
import type { ChassisCommand, IpmiCallResult, IpmiFunction, IpmiTarget, PowerState } from './types';

export type FenceAction = 'power-off' | 'reset' | 'power-cycle';

export interface FenceOptions {
  /** How long each attempt polls for the expected power state (fencing.timeoutMs). */
  timeoutMs: number;
  /** Further attempts after a failed one (fencing.retries). */
  retries: number;
  /** Between status polls (default 1000 ms; fence_ipmilan waits 2 s). */
  pollIntervalMs?: number;
  /** Between attempts (default 1000 ms). */
  retryDelayMs?: number;
  /** Waits and deadlines on now(), evidence timestamps on wallNow() (default: systemClock). */
  clock?: Clock;
}

/** One ipmitool call as evidence: what was asked, what came back, when. */
export interface FenceEvidence {
  at: number;
  command: ChassisCommand;
  outcome: IpmiCallResult['outcome'];
  power?: 'on' | 'off';
  error?: string;
  output: string;
  durationMs: number;
}

export interface FenceAttempt {
  attempt: number;
  command: FenceEvidence;
  polls: FenceEvidence[];
  confirmed: boolean;
  /** Why this attempt did not confirm. */
  reason?: string;
}

export interface FenceResult {
  ok: boolean;
  action: FenceAction;
  /** `address:port` of the BMC (never the credentials). */
  bmc: string;
  expected: 'on' | 'off';
  /** The last power state read during the whole operation. */
  finalPower: PowerState;
  /** power-cycle only: an "off" was read between command and confirmation. */
  offObserved: boolean;
  /** power-off only: the status read before any command ("off" there means no command was sent). */
  precheck?: FenceEvidence;
  attempts: FenceAttempt[];
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  /** One line for the alert log. */
  summary: string;
}

const PLAN: Record<FenceAction, { command: ChassisCommand; expected: 'on' | 'off' }> = {
  'power-off': { command: 'off', expected: 'off' },
  reset: { command: 'reset', expected: 'on' },
  'power-cycle': { command: 'cycle', expected: 'on' },
};

/** Maps the configuration's fencing.action (bmc-power-off, ...) to a FenceAction; 'none' gives undefined. */
export function fenceActionFromConfig(action: string): FenceAction | undefined {
  const name = action.replace(/^bmc-/, '');
  return Object.hasOwn(PLAN, name) ? (name as FenceAction) : undefined;
}

export function powerOff(ipmi: IpmiFunction, target: IpmiTarget, options: FenceOptions): Promise<FenceResult> {
  return fence(ipmi, target, 'power-off', options);
}

export function reset(ipmi: IpmiFunction, target: IpmiTarget, options: FenceOptions): Promise<FenceResult> {
  return fence(ipmi, target, 'reset', options);
}

export function powerCycle(ipmi: IpmiFunction, target: IpmiTarget, options: FenceOptions): Promise<FenceResult> {
  return fence(ipmi, target, 'power-cycle', options);
}

export async function fence(
  ipmi: IpmiFunction,
  target: IpmiTarget,
  action: FenceAction,
  options: FenceOptions
): Promise<FenceResult> {
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollIntervalMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const { command, expected } = PLAN[action];
  const startedAt = clock.wallNow();
  const t0 = clock.now();
  const attempts: FenceAttempt[] = [];
  let finalPower: PowerState = 'unknown';
  let offObserved = false;

  const ask = async (cmd: ChassisCommand): Promise<FenceEvidence> => {
    const at = clock.wallNow();
    let r: IpmiCallResult;
    try {
      r = await ipmi(target, cmd);
    } catch (err) {
      // The runner never rejects; an injected function might. A throw is a failed call, not a crash.
      r = {
        command: cmd,
        outcome: 'error',
        ok: false,
        error: String(err),
        output: '',
        exitCode: null,
        signal: null,
        joined: false,
        startedAt: at,
        durationMs: 0,
      };
    }
    const ev: FenceEvidence = {
      at,
      command: cmd,
      outcome: r.outcome,
      output: r.output,
      durationMs: Math.round(r.durationMs),
    };
    if (r.power !== undefined) {
      ev.power = r.power;
      finalPower = r.power;
      offObserved ||= r.power === 'off';
    } else if (cmd === 'status') {
      finalPower = 'unknown';
    }
    if (r.error !== undefined) {
      ev.error = r.error;
    }
    return ev;
  };

  const precheck = action === 'power-off' ? await ask('status') : undefined;
  const alreadyOff = precheck?.power === 'off';
  for (let n = 1; n <= options.retries + 1 && !alreadyOff; n++) {
    if (n > 1) {
      await sleep(clock, retryDelayMs);
    }
    const attempt: FenceAttempt = { attempt: n, command: await ask(command), polls: [], confirmed: false };
    attempts.push(attempt);
    if (attempt.command.outcome !== 'ok') {
      attempt.reason = `${command} failed: ${attempt.command.error ?? attempt.command.outcome}`;
      if (action === 'power-off' && attempt.command.outcome !== 'busy') {
        const check = await ask('status');
        attempt.polls.push(check);
        attempt.confirmed = check.power === 'off';
      }
    } else {
      await confirm(attempt, expected, action === 'power-off' ? 0 : pollMs);
    }
    if (attempt.confirmed) {
      delete attempt.reason;
      break;
    }
  }

  async function confirm(attempt: FenceAttempt, want: 'on' | 'off', firstWaitMs: number): Promise<void> {
    const deadline = clock.now() + options.timeoutMs;
    if (firstWaitMs > 0) {
      await sleep(clock, firstWaitMs);
    }
    for (;;) {
      const poll = await ask('status');
      attempt.polls.push(poll);
      if (poll.power === want) {
        attempt.confirmed = true;
        return;
      }
      if (clock.now() + pollMs > deadline) {
        const last = poll.power ?? `no reading (${poll.error ?? poll.outcome})`;
        attempt.reason = `power not ${want} within ${options.timeoutMs} ms (last: ${last})`;
        return;
      }
      await sleep(clock, pollMs);
    }
  }

  const finishedAt = clock.wallNow();
  const durationMs = clock.now() - t0;
  const last = attempts.at(-1);
  const ok = alreadyOff || last!.confirmed;
  const bmc = `${target.address}:${target.port}`;
  const summary = alreadyOff
    ? `${action} of BMC ${bmc} confirmed: power already off, no command sent (${durationMs} ms)`
    : ok
      ? `${action} of BMC ${bmc} confirmed: power ${expected} (attempt ${last!.attempt} of ${options.retries + 1}, ${durationMs} ms)`
      : `${action} of BMC ${bmc} NOT confirmed after ${attempts.length} attempt(s): ${last!.reason ?? 'unknown'}`;
  return {
    ok,
    action,
    bmc,
    expected,
    finalPower,
    offObserved: action === 'power-cycle' && offObserved,
    ...(precheck ? { precheck } : {}),
    attempts,
    startedAt,
    finishedAt,
    durationMs,
    summary,
  };
}
