// The BMC module against two real simulated BMCs (OpenIPMI ipmi_sim on 127.0.1.1 and
// 127.0.1.2): presence pings, ipmitool power status/control, fencing that really turns the
// simulated chassis off, and the checker watching both.
import fs from 'node:fs';
import { BmcChecker, type BmcChange } from '../../../backend/bmc/checker';
import { powerCycle, powerOff } from '../../../backend/bmc/fence';
import { IpmitoolRunner } from '../../../backend/bmc/ipmitool';
import { presencePing } from '../../../backend/bmc/rmcp-ping';
import { SecretValue } from '../../../backend/bmc/secret-value';
import type { BmcPeer } from '../../../backend/bmc/targets';
import type { ChassisCommand, IpmiTarget } from '../../../backend/bmc/types';
import { readIpmitoolFixture } from '../../unit/bmc/ipmitool-fixtures';
import { startBmc, type SimBmc } from '../../support/ipmi-sim';
import { ip } from '../../support/isolation';

let bmc1: SimBmc;
let bmc2: SimBmc;

function target(bmc: SimBmc): IpmiTarget {
  return {
    address: bmc.address,
    port: bmc.port,
    user: bmc.user,
    password: new SecretValue(bmc.password),
    cipherSuite: 3,
  };
}

function peer(bmc: SimBmc, server: string): BmcPeer {
  const endpoint = { address: bmc.address, port: bmc.port };
  return {
    server,
    ping: endpoint,
    ipmi: { ...endpoint, user: bmc.user, password: { env: 'SIM_BMC_PASSWORD' }, cipherSuite: 3 },
  };
}

/** Waits (generously) until `check` holds. */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error('condition not reached in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  [bmc1, bmc2] = await Promise.all([
    startBmc({ address: ip('127.0.1.1'), port: 29623, name: 'bmc1' }),
    startBmc({ address: ip('127.0.1.2'), port: 29624, name: 'bmc2' }),
  ]);
});

afterAll(async () => {
  await Promise.all([bmc1?.stop(), bmc2?.stop()]);
});

beforeEach(() => {
  bmc1.setPower('on');
  bmc2.setPower('on');
});

test('both BMCs answer the RMCP presence ping and declare IPMI support', async () => {
  for (const bmc of [bmc1, bmc2]) {
    const r = await presencePing({ address: bmc.address, port: bmc.port }, { timeoutMs: 2000, tag: 0x21 });
    expect(r).toMatchObject({ ok: true, pong: { tag: 0x21, ipmiSupported: true, asfVersion: 1, oemIana: 4542 } });
  }
});

test('chassis power status reads on, and off after the state file says off', async () => {
  const runner = new IpmitoolRunner();
  await expect(runner.run(target(bmc1), 'status')).resolves.toMatchObject({ outcome: 'ok', power: 'on', exitCode: 0 });
  await expect(runner.run(target(bmc2), 'status')).resolves.toMatchObject({ outcome: 'ok', power: 'on' });
  bmc2.setPower('off');
  await expect(runner.run(target(bmc2), 'status')).resolves.toMatchObject({ outcome: 'ok', power: 'off' });
  await expect(runner.run(target(bmc1), 'status')).resolves.toMatchObject({ power: 'on' });
});

test('live ipmitool output is byte for byte what the fixtures hold', async () => {
  const runner = new IpmitoolRunner();
  const cases: Array<[ChassisCommand, string, 'on' | 'off']> = [
    ['status', 'power-status-on.txt', 'on'],
    ['status', 'power-status-off.txt', 'off'],
    ['off', 'power-off.txt', 'on'],
    ['on', 'power-on.txt', 'off'],
    ['cycle', 'power-cycle.txt', 'on'],
    ['reset', 'power-reset.txt', 'on'],
  ];
  for (const [command, file, before] of cases) {
    bmc2.setPower(before);
    const r = await runner.run(target(bmc2), command);
    expect([file, r.output + '\n']).toEqual([file, readIpmitoolFixture(file)]);
    expect(r.ok).toBe(true);
  }
  const wrong = await runner.run({ ...target(bmc2), password: new SecretValue('wrong') }, 'status');
  expect(wrong.output + '\n').toBe(readIpmitoolFixture('error-session-bad-password.txt'));
  expect(wrong).toMatchObject({ outcome: 'error', exitCode: 1 });
});

test('the password is in the child environment, never in its argv', async () => {
  const seen: Array<{ cmdline: string; environ: string }> = [];
  const runner = new IpmitoolRunner({
    // libuv returns from spawn only after exec succeeded, so /proc already shows ipmitool here.
    onSpawn: (pid) => {
      try {
        seen.push({
          cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '),
          environ: fs.readFileSync(`/proc/${pid}/environ`, 'utf8'),
        });
      } catch {
        // exited already: nothing to look at
      }
    },
  });
  await runner.run(target(bmc1), 'status');
  expect(seen).toHaveLength(1);
  expect(seen[0].cmdline).toContain(`ipmitool -I lanplus -C 3 -H ${ip('127.0.1.1')} -p 29623 -U admin -E`);
  expect(seen[0].cmdline).not.toContain(bmc1.password);
  expect(seen[0].environ.split('\0')).toContain(`IPMI_PASSWORD=${bmc1.password}`);
  expect(process.env.IPMI_PASSWORD).toBeUndefined();
});

test('fencing powerOff turns the simulated chassis off and confirms it', async () => {
  const runner = new IpmitoolRunner();
  const result = await powerOff(runner.run, target(bmc1), { timeoutMs: 20_000, retries: 2, pollIntervalMs: 500 });
  expect(result).toMatchObject({ ok: true, action: 'power-off', bmc: `${ip('127.0.1.1')}:29623`, finalPower: 'off' });
  expect(result.attempts[0].command).toMatchObject({ outcome: 'ok', output: 'Chassis Power Control: Down/Off' });
  expect(result.attempts[0].polls.at(-1)).toMatchObject({
    outcome: 'ok',
    power: 'off',
    output: 'Chassis Power is off',
  });
  expect(fs.readFileSync(bmc1.stateFile, 'utf8').trim()).toBe('0');
  expect(fs.readFileSync(bmc1.callsLog, 'utf8')).toMatch(/ set power 0$/m);
  expect(bmc2.power()).toBe('on');
});

test('fencing powerCycle: the chassis goes off and comes back on', async () => {
  const runner = new IpmitoolRunner();
  const result = await powerCycle(runner.run, target(bmc2), { timeoutMs: 20_000, retries: 0, pollIntervalMs: 200 });
  expect(result).toMatchObject({ ok: true, action: 'power-cycle', finalPower: 'on', offObserved: true });
  expect(bmc2.power()).toBe('on');
  expect(fs.readFileSync(bmc2.callsLog, 'utf8')).toMatch(/ set power 0\n(.*\n)*.* set power 1$/m);
});

test('the checker watches both BMCs and reports a chassis turned off behind its back', async () => {
  const runner = new IpmitoolRunner();
  const checker = new BmcChecker({
    peers: [peer(bmc1, 'server1'), peer(bmc2, 'server2')],
    pingIntervalMs: 200,
    statusIntervalMs: 500,
    ipmi: runner.run,
    readSecret: (ref) => (ref.env === 'SIM_BMC_PASSWORD' ? bmc1.password : ''),
  });
  const changes: BmcChange[] = [];
  checker.on('change', (c) => changes.push(c));
  checker.start();
  try {
    await until(() => checker.states().every((s) => s.reachable && s.power === 'on'));
    expect(checker.state('server1')?.lastPingRttMs).toBeGreaterThan(0);
    expect(checker.state('server1')?.lastError).toBeNull();
    bmc2.setPower('off');
    await until(() => checker.state('server2')?.power === 'off');
    expect(changes.some((c) => c.server === 'server2' && c.changed.includes('power') && c.state.power === 'off')).toBe(
      true
    );
    expect(checker.state('server1')?.power).toBe('on');
  } finally {
    await checker.stop();
  }
});
