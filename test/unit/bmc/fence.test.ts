// Fencing confirm/retry logic under a fake clock, with a scripted fake BMC.
import {
  fence,
  fenceActionFromConfig,
  powerCycle,
  powerOff,
  reset,
  type FenceOptions,
} from '../../../backend/bmc/fence';
import type { ChassisCommand, IpmiCallResult, IpmiFunction } from '../../../backend/bmc/types';
import { FakeClock } from './fake-time';
import { ipmiFail, ipmiOk, TARGET } from './results';

type Answer = IpmiCallResult | ((n: number) => IpmiCallResult);

/**
 * A scripted BMC: `script[command]` answers the n-th call of that command (the last entry
 * repeats). Each call takes `callMs` of fake time, as a real ipmitool call takes time.
 */
function scriptedBmc(clock: FakeClock, script: Partial<Record<ChassisCommand, Answer[]>>, callMs = 25) {
  const log: Array<{ at: number; command: ChassisCommand }> = [];
  const counts = new Map<ChassisCommand, number>();
  const ipmi: IpmiFunction = (_target, command) => {
    log.push({ at: clock.now(), command });
    const n = counts.get(command) ?? 0;
    counts.set(command, n + 1);
    const answers = script[command] ?? [ipmiFail(command)];
    const answer = answers[Math.min(n, answers.length - 1)];
    return new Promise((resolve) =>
      clock.setTimer(callMs, () => resolve(typeof answer === 'function' ? answer(n) : answer))
    );
  };
  return { ipmi, log };
}

function options(clock: FakeClock, extra: Partial<FenceOptions> = {}): FenceOptions {
  return { timeoutMs: 20_000, retries: 2, pollIntervalMs: 1000, retryDelayMs: 1000, clock, ...extra };
}

const ON = ipmiOk('status', 'on');
const OFF = ipmiOk('status', 'off');

describe('powerOff', () => {
  test('confirmed by the first status read, taken at once', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiOk('off')], status: [ON, OFF] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r).toMatchObject({
      ok: true,
      action: 'power-off',
      bmc: '192.0.2.12:623',
      expected: 'off',
      finalPower: 'off',
    });
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ attempt: 1, confirmed: true, command: { command: 'off', outcome: 'ok' } });
    expect(r.attempts[0].polls.map((p) => p.power)).toEqual(['off']);
    // The first status read is the check before any command (it read on).
    expect(r.precheck).toMatchObject({ command: 'status', power: 'on' });
    expect(bmc.log.map((c) => c.command)).toEqual(['status', 'off', 'status']);
    expect(r.durationMs).toBe(75);
    expect(r.summary).toBe('power-off of BMC 192.0.2.12:623 confirmed: power off (attempt 1 of 3, 75 ms)');
    expect(JSON.stringify(r)).not.toContain(TARGET.password.reveal());
  });

  test('polls every interval until the chassis reads off', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiOk('off')], status: [ON, ON, ON, ON, OFF] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r.ok).toBe(true);
    expect(r.attempts[0].polls.map((p) => p.power)).toEqual(['on', 'on', 'on', 'off']);
    const offAt = bmc.log.find((c) => c.command === 'off')!.at;
    const polls = bmc.log.filter((c) => c.command === 'status' && c.at > offAt).map((c) => c.at - offAt);
    expect(polls).toEqual([25, 1050, 2075, 3100]);
  });

  test('a chassis that stays on: each attempt polls until timeoutMs, then retries, then gives up', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiOk('off')], status: [ON] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock, { timeoutMs: 5000, retries: 2 })));
    expect(r.ok).toBe(false);
    expect(r.finalPower).toBe('on');
    expect(r.attempts.map((a) => [a.attempt, a.confirmed, a.polls.length])).toEqual([
      [1, false, 5],
      [2, false, 5],
      [3, false, 5],
    ]);
    expect(r.attempts[2].reason).toBe('power not off within 5000 ms (last: on)');
    expect(r.summary).toBe(
      'power-off of BMC 192.0.2.12:623 NOT confirmed after 3 attempt(s): power not off within 5000 ms (last: on)'
    );
    expect(bmc.log.filter((c) => c.command === 'off')).toHaveLength(3);
  });

  test('a failed command is retried after retryDelayMs; the evidence keeps ipmitool output', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, {
      off: [ipmiFail('off'), ipmiOk('off')],
      status: [ON, ipmiFail('status'), OFF],
    });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r.ok).toBe(true);
    expect(r.attempts).toHaveLength(2);
    expect(r.attempts[0]).toMatchObject({
      confirmed: false,
      reason: 'off failed: session: Error: Unable to establish IPMI v2 / RMCP+ session (exit 1)',
      command: { outcome: 'error', output: 'Error: Unable to establish IPMI v2 / RMCP+ session' },
    });
    // After a failed off one status read still follows (it failed too here).
    expect(r.attempts[0].polls.map((p) => p.outcome)).toEqual(['error']);
    const offs = bmc.log.filter((c) => c.command === 'off').map((c) => c.at);
    expect(offs[1] - offs[0]).toBe(25 + 25 + 1000);
    expect(r.attempts[1].reason).toBeUndefined();
  });

  test('an off command the BMC refuses counts as done when the chassis already reads off', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiFail('off')], status: [ON, OFF] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r.ok).toBe(true);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ confirmed: true, command: { outcome: 'error' } });
  });

  test('busy (another control call holds the BMC) is a failed attempt without a status read', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiFail('off', 'busy'), ipmiOk('off')], status: [ON, OFF] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r.ok).toBe(true);
    expect(r.attempts[0].polls).toEqual([]);
    expect(bmc.log.map((c) => c.command)).toEqual(['status', 'off', 'off', 'status']);
  });

  test('retries: 0 means a single attempt; failed status reads are evidence, and the last one sets finalPower', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiOk('off')], status: [ON, ON, ipmiFail('status', 'timeout')] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock, { retries: 0, timeoutMs: 3000 })));
    expect(r.ok).toBe(false);
    expect(r.attempts).toHaveLength(1);
    expect(r.finalPower).toBe('unknown');
    expect(r.attempts[0].reason).toBe(
      'power not off within 3000 ms (last: no reading (ipmitool did not finish within 10000 ms: killed (SIGKILL)))'
    );
  });

  test('a chassis already off (another survivor fenced it) is confirmed without sending off', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiOk('off')], status: [OFF] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r).toMatchObject({ ok: true, finalPower: 'off', attempts: [], precheck: { power: 'off' } });
    expect(bmc.log.map((c) => c.command)).toEqual(['status']);
    expect(r.summary).toBe('power-off of BMC 192.0.2.12:623 confirmed: power already off, no command sent (25 ms)');
  });

  test('a failed check before the command does not stop the fence: off is sent', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { off: [ipmiOk('off')], status: [ipmiFail('status'), OFF] });
    const r = await clock.run(powerOff(bmc.ipmi, TARGET, options(clock)));
    expect(r.ok).toBe(true);
    expect(bmc.log.map((c) => c.command)).toEqual(['status', 'off', 'status']);
  });

  test('an ipmi function that throws is a failed call, not a rejection', async () => {
    const clock = new FakeClock();
    const ipmi: IpmiFunction = () => Promise.reject(new Error('bug'));
    const r = await clock.run(powerOff(ipmi, TARGET, options(clock, { retries: 1 })));
    expect(r.ok).toBe(false);
    expect(r.attempts[0].command).toMatchObject({ outcome: 'error', error: 'Error: bug' });
  });
});

describe('reset and powerCycle', () => {
  test('reset: confirmed when the chassis reads on, first read one interval after the command', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { reset: [ipmiOk('reset')], status: [ON] });
    const r = await clock.run(reset(bmc.ipmi, TARGET, options(clock)));
    expect(r).toMatchObject({ ok: true, action: 'reset', expected: 'on', finalPower: 'on', offObserved: false });
    expect(bmc.log[1].at - bmc.log[0].at).toBe(25 + 1000);
  });

  test('powerCycle: off seen in between is recorded, confirmed when on again', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { cycle: [ipmiOk('cycle')], status: [OFF, OFF, ON] });
    const r = await clock.run(powerCycle(bmc.ipmi, TARGET, options(clock)));
    expect(r).toMatchObject({ ok: true, action: 'power-cycle', offObserved: true, finalPower: 'on' });
    expect(r.attempts[0].polls.map((p) => p.power)).toEqual(['off', 'off', 'on']);
  });

  test('powerCycle of a chassis that stays off is not confirmed (finalPower tells the caller it is off)', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { cycle: [ipmiOk('cycle')], status: [OFF] });
    const r = await clock.run(fence(bmc.ipmi, TARGET, 'power-cycle', options(clock, { retries: 0, timeoutMs: 2000 })));
    expect(r).toMatchObject({ ok: false, finalPower: 'off' });
  });

  test('a failed reset command does not read status (an "on" would prove nothing)', async () => {
    const clock = new FakeClock();
    const bmc = scriptedBmc(clock, { reset: [ipmiFail('reset')], status: [ON] });
    const r = await clock.run(reset(bmc.ipmi, TARGET, options(clock, { retries: 1 })));
    expect(r.ok).toBe(false);
    expect(bmc.log.map((c) => c.command)).toEqual(['reset', 'reset']);
  });
});

test('fenceActionFromConfig maps the configuration values', () => {
  expect(fenceActionFromConfig('bmc-power-off')).toBe('power-off');
  expect(fenceActionFromConfig('bmc-reset')).toBe('reset');
  expect(fenceActionFromConfig('bmc-power-cycle')).toBe('power-cycle');
  expect(fenceActionFromConfig('none')).toBeUndefined();
  expect(fenceActionFromConfig('bmc-nmi')).toBeUndefined();
  expect(fenceActionFromConfig('toString')).toBeUndefined();
});
