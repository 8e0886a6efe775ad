// The BMC module when BMCs fail: nothing listening (unreachable), and a BMC that hangs
// (ipmi_sim frozen with SIGSTOP). Checks that failures are reported, that the hard timeout
// kills ipmitool, and that no more than one ipmitool process per BMC ever exists.
import dgram from 'node:dgram';
import { BmcChecker } from '../../../backend/bmc/checker';
import { IpmitoolRunner } from '../../../backend/bmc/ipmitool';
import { presencePing } from '../../../backend/bmc/rmcp-ping';
import { SecretValue } from '../../../backend/bmc/secret-value';
import type { IpmiCallResult, IpmiTarget } from '../../../backend/bmc/types';
import {
  isAlive,
  processesMatching,
  requireIpmiTools,
  SIM_PASSWORD,
  SIM_USER,
  startBmc,
  type SimBmc,
} from '../../support/ipmi-sim';
import { ip } from '../../support/isolation';

const NOBODY = { address: ip('127.0.1.3'), port: 29625 };

function target(endpoint: { address: string; port: number }): IpmiTarget {
  return { ...endpoint, user: SIM_USER, password: new SecretValue(SIM_PASSWORD), cipherSuite: 3 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Proves nothing listens on NOBODY: binding its port works only when it is free. */
async function assertNothingListens(): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(NOBODY.port, NOBODY.address, resolve);
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

beforeAll(() => {
  requireIpmiTools();
});

describe('an unreachable BMC (nothing listens on its port)', () => {
  test('the presence ping fails', async () => {
    await assertNothingListens();
    const r = await presencePing(NOBODY, { timeoutMs: 5000, tag: 1 });
    expect(r).toMatchObject({ ok: false, reason: 'refused' });
  });

  test('ipmitool (-N 1 -R 1) gives up by itself with a session error and leaves no process behind', async () => {
    await assertNothingListens();
    const pids: number[] = [];
    const runner = new IpmitoolRunner({ onSpawn: (pid) => pids.push(pid) });
    const r = await runner.run(target(NOBODY), 'status');
    expect(r).toMatchObject({ outcome: 'error', exitCode: 1, signal: null });
    expect(r.error).toBe('session: Error: Unable to establish IPMI v2 / RMCP+ session (exit 1)');
    expect(pids).toHaveLength(1);
    expect(isAlive(pids[0])).toBe(false);
    expect(processesMatching('ipmitool', '-H', NOBODY.address)).toEqual([]);
  });

  test('the checker reports it unreachable with power unknown, and stops without leftovers', async () => {
    await assertNothingListens();
    const pids: number[] = [];
    const runner = new IpmitoolRunner({ onSpawn: (pid) => pids.push(pid) });
    const endpoint = { ...NOBODY };
    const checker = new BmcChecker({
      peers: [
        {
          server: 'server3',
          ping: endpoint,
          ipmi: { ...endpoint, user: SIM_USER, password: { env: 'X' }, cipherSuite: 3 },
        },
      ],
      pingIntervalMs: 200,
      statusIntervalMs: 500,
      ipmi: runner.run,
      readSecret: () => SIM_PASSWORD,
    });
    checker.start();
    try {
      const deadline = Date.now() + 20_000;
      while (checker.state('server3')?.lastError?.source !== 'ipmi' && Date.now() < deadline) {
        await sleep(50);
      }
      expect(checker.state('server3')).toMatchObject({ reachable: false, power: 'unknown', lastStatusAt: null });
      expect(checker.state('server3')?.consecutivePingFailures).toBeGreaterThan(0);
    } finally {
      await checker.stop();
    }
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesMatching('ipmitool', '-H', NOBODY.address)).toEqual([]);
  });
});

describe('a hung BMC (ipmi_sim stopped with SIGSTOP)', () => {
  let bmc: SimBmc;

  beforeAll(async () => {
    bmc = await startBmc({ address: ip('127.0.1.4'), port: 29626, name: 'hung' });
  });

  afterAll(async () => {
    await bmc?.stop();
  });

  test('hard timeout kills ipmitool; repeated requests never run two ipmitool processes at once', async () => {
    const pids: number[] = [];
    // -N 10 -R 3: left alone, ipmitool would wait for minutes; only the 1.5 s hard timeout ends it.
    const runner = new IpmitoolRunner({
      timing: { retransmitSec: 10, retries: 3 },
      hardTimeoutMs: 1500,
      onSpawn: (pid) => pids.push(pid),
    });
    await expect(runner.run(target(bmc), 'status')).resolves.toMatchObject({ outcome: 'ok', power: 'on' });

    bmc.freeze();
    const results: Array<Promise<IpmiCallResult>> = [];
    let maxProcesses = 0;
    const until = Date.now() + 5000;
    for (let i = 0; Date.now() < until; i++) {
      results.push(runner.run(target(bmc), i % 20 === 10 ? 'off' : 'status'));
      maxProcesses = Math.max(maxProcesses, processesMatching('ipmitool', '-H', bmc.address).length);
      await sleep(50);
    }
    const settled = await Promise.all(results);
    maxProcesses = Math.max(maxProcesses, processesMatching('ipmitool', '-H', bmc.address).length);

    expect(maxProcesses).toBe(1);
    const outcomes = new Set(settled.map((r) => r.outcome));
    expect([...outcomes].sort()).toEqual(['busy', 'timeout']);
    const killed = settled.filter((r) => r.outcome === 'timeout' && !r.joined);
    expect(killed.length).toBeGreaterThanOrEqual(2);
    for (const r of killed) {
      expect(r).toMatchObject({ signal: 'SIGKILL', error: 'ipmitool did not finish within 1500 ms: killed (SIGKILL)' });
    }
    // Many requests, few processes: joins and refusals did not spawn anything.
    expect(pids.length).toBeLessThan(settled.length / 5);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesMatching('ipmitool', '-H', bmc.address)).toEqual([]);

    const ping = await presencePing({ address: bmc.address, port: bmc.port }, { timeoutMs: 300, tag: 9 });
    expect(ping).toMatchObject({ ok: false, reason: 'timeout' });

    bmc.thaw();
    // Once it runs again the BMC answers again (sessions of killed calls time out on their own).
    const fresh = new IpmitoolRunner();
    let status: IpmiCallResult | undefined;
    for (let i = 0; i < 20 && status?.outcome !== 'ok'; i++) {
      status = await fresh.run(target(bmc), 'status');
    }
    expect(status).toMatchObject({ outcome: 'ok', power: 'on' });
  });
});
