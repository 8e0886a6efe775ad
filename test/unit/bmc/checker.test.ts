// BmcChecker logic under a fake clock with fake ping and ipmi functions: schedules,
// reachable/unreachable transitions, power states, one call in flight, timeouts, credentials.
import { BmcChecker, type BmcChange, type BmcCheckerOptions } from '../../../backend/bmc/checker';
import type { PingFunction, PingResult } from '../../../backend/bmc/rmcp-ping';
import type { BmcPeer } from '../../../backend/bmc/targets';
import type { ChassisCommand, IpmiCallResult, IpmiFunction, IpmiTarget } from '../../../backend/bmc/types';
import { deferred, FakeClock, flush, type Deferred } from './fake-time';
import { ipmiFail, ipmiOk, noPong, pong } from './results';

const PEER2: BmcPeer = {
  server: 'server2',
  ping: { address: '192.0.2.12', port: 623 },
  ipmi: { address: '192.0.2.12', port: 623, user: 'admin', password: { env: 'BMC2_PASSWORD' }, cipherSuite: 3 },
};
const PEER3: BmcPeer = {
  server: 'server3',
  ping: { address: '192.0.2.13', port: 623 },
  ipmi: { address: '192.0.2.13', port: 623, user: 'admin', password: { env: 'BMC3_PASSWORD' }, cipherSuite: 3 },
};

/** Ping and ipmi fakes whose answers the test scripts per server, recording every call. */
function fakes() {
  const pingAnswers = new Map<string, PingResult>();
  const ipmiAnswers = new Map<string, IpmiCallResult>();
  const pings: Array<{ address: string; timeoutMs: number }> = [];
  const ipmiCalls: Array<{ address: string; command: ChassisCommand; password: string }> = [];
  const pinger: PingFunction = async (target, timeoutMs) => {
    pings.push({ address: target.address, timeoutMs });
    return pingAnswers.get(target.address) ?? pong();
  };
  const ipmi: IpmiFunction = async (target: IpmiTarget, command) => {
    ipmiCalls.push({ address: target.address, command, password: target.password.reveal() });
    return ipmiAnswers.get(target.address) ?? ipmiOk('status', 'on');
  };
  return { pinger, ipmi, pings, ipmiCalls, pingAnswers, ipmiAnswers };
}

const SECRETS: Record<string, string> = { BMC2_PASSWORD: 'pw-two', BMC3_PASSWORD: 'pw-three' };

function checker(extra: Partial<BmcCheckerOptions> = {}) {
  const clock = new FakeClock();
  const f = fakes();
  const c = new BmcChecker({
    peers: [PEER2],
    clock,
    pinger: f.pinger,
    ipmi: f.ipmi,
    readSecret: (ref) => {
      const v = ref.env !== undefined ? SECRETS[ref.env] : undefined;
      if (v === undefined) {
        throw new Error(`environment variable ${ref.env} is not set`);
      }
      return v;
    },
    ...extra,
  });
  const changes: BmcChange[] = [];
  c.on('change', (ch) => changes.push(ch));
  return { c, clock, changes, ...f };
}

describe('BmcChecker schedule', () => {
  test('pings every interval and asks power status less often, starting at once', async () => {
    const t = checker({ pingIntervalMs: 1000, statusIntervalMs: 5000 });
    t.c.start();
    await t.clock.advance(0);
    expect(t.pings).toHaveLength(1);
    expect(t.ipmiCalls).toHaveLength(1);
    await t.clock.advance(10_000);
    expect(t.pings).toHaveLength(11);
    expect(t.ipmiCalls).toHaveLength(3);
    expect(t.ipmiCalls.every((c) => c.command === 'status' && c.password === 'pw-two')).toBe(true);
    expect(t.pings[0]).toEqual({ address: '192.0.2.12', timeoutMs: 800 });
    await t.c.stop();
    await t.clock.advance(10_000);
    expect(t.pings).toHaveLength(11);
    expect(t.clock.pendingTimers).toBe(0);
  });

  test('the ping timeout defaults to 80 % of the interval, at most 1 s, so a ping ends before the next round', async () => {
    for (const [interval, timeout] of [
      [200, 160],
      [1000, 800],
      [5000, 1000],
    ]) {
      const t = checker({ pingIntervalMs: interval });
      t.c.start();
      await t.clock.advance(0);
      expect(t.pings[0].timeoutMs).toBe(timeout);
      await t.c.stop();
    }
    const explicit = checker({ pingTimeoutMs: 300 });
    explicit.c.start();
    await explicit.clock.advance(0);
    expect(explicit.pings[0].timeoutMs).toBe(300);
    await explicit.c.stop();
  });

  test('rejects nonsense settings and duplicate peers at construction', () => {
    expect(() => checker({ pingIntervalMs: 0 })).toThrow('pingIntervalMs must be a positive number');
    expect(() => checker({ statusIntervalMs: NaN })).toThrow('statusIntervalMs');
    expect(() => checker({ peers: [PEER2, PEER2] })).toThrow('BMC peer "server2" is listed twice');
  });

  test('start twice is an error', () => {
    const t = checker();
    t.c.start();
    expect(() => t.c.start()).toThrow('already started');
  });
});

describe('BmcChecker reachability', () => {
  test('first answer: reachable, with an event naming what changed', async () => {
    const t = checker({ statusIntervalMs: 60_000 });
    t.pingAnswers.set('192.0.2.12', pong(0.35));
    t.c.start();
    await t.clock.advance(0);
    expect(t.c.state('server2')).toMatchObject({ reachable: true, lastPingRttMs: 0.35, lastPingAt: t.clock.wallNow() });
    expect(t.changes[0].changed).toEqual(['checked', 'reachable']);
    expect(t.changes[0].previous.reachable).toBe(false);
  });

  test('reachable -> unreachable after two misses in a row, back on the next answer', async () => {
    const t = checker({ statusIntervalMs: 60_000 });
    t.c.start();
    await t.clock.advance(0);
    t.changes.length = 0;

    t.pingAnswers.set('192.0.2.12', noPong());
    await t.clock.advance(1000);
    // One lost datagram: still reachable, but the failure is visible.
    expect(t.c.state('server2')).toMatchObject({ reachable: true, consecutivePingFailures: 1, lastPingRttMs: null });
    expect(t.c.state('server2')?.lastError).toEqual({
      source: 'ping',
      message: 'timeout: no presence pong within 1000 ms',
      at: t.clock.now(),
    });
    expect(t.changes.map((c) => c.changed)).toEqual([['lastError']]);

    await t.clock.advance(1000);
    expect(t.c.state('server2')).toMatchObject({ reachable: false, consecutivePingFailures: 2 });
    expect(t.changes.map((c) => c.changed)).toEqual([['lastError'], ['reachable']]);

    await t.clock.advance(3000); // still down: no further events
    expect(t.changes).toHaveLength(2);

    t.pingAnswers.set('192.0.2.12', pong());
    await t.clock.advance(1000);
    expect(t.c.state('server2')).toMatchObject({ reachable: true, consecutivePingFailures: 0, lastError: null });
    expect(t.changes.at(-1)?.changed).toEqual(['reachable', 'lastError']);
  });

  test('a BMC never reached is reported checked and unreachable on its first failed ping', async () => {
    const t = checker({ statusIntervalMs: 60_000, unreachableAfterMisses: 3 });
    t.pingAnswers.set('192.0.2.12', noPong('refused'));
    t.c.start();
    await t.clock.advance(0);
    expect(t.c.state('server2')).toMatchObject({ reachable: false, consecutivePingFailures: 1 });
    expect(t.changes[0].changed).toEqual(['checked', 'lastError']);
    expect(t.changes[0].state.lastError?.message).toBe('refused: ECONNREFUSED');
  });

  test('unreachableAfterMisses: 1 drops at the first miss', async () => {
    const t = checker({ statusIntervalMs: 60_000, unreachableAfterMisses: 1 });
    t.c.start();
    await t.clock.advance(0);
    t.pingAnswers.set('192.0.2.12', noPong());
    await t.clock.advance(1000);
    expect(t.c.state('server2')?.reachable).toBe(false);
  });

  test('peers are independent', async () => {
    const t = checker({ peers: [PEER2, PEER3], statusIntervalMs: 60_000, unreachableAfterMisses: 1 });
    t.pingAnswers.set('192.0.2.13', noPong());
    t.c.start();
    await t.clock.advance(0);
    expect(t.c.states().map((s) => [s.server, s.reachable])).toEqual([
      ['server2', true],
      ['server3', false],
    ]);
  });

  test('a pinger that throws counts as an unanswered ping', async () => {
    const t = checker({ statusIntervalMs: 60_000, pinger: () => Promise.reject(new Error('EMFILE')) });
    t.c.start();
    await t.clock.advance(0);
    expect(t.c.state('server2')?.lastError?.message).toBe('socket-error: EMFILE');
  });
});

describe('BmcChecker one call in flight', () => {
  test('a ping that has not returned is not repeated; the next round after it returns pings again', async () => {
    const t = checker({ statusIntervalMs: 60_000 });
    const hanging: Array<Deferred<PingResult>> = [];
    const pinger: PingFunction = () => {
      const d = deferred<PingResult>();
      hanging.push(d);
      return d.promise;
    };
    const c = new BmcChecker({ peers: [PEER2], clock: t.clock, pinger, ipmi: t.ipmi, readSecret: () => 'pw' });
    c.start();
    await t.clock.advance(5000);
    expect(hanging).toHaveLength(1);
    hanging[0].resolve(noPong());
    await t.clock.advance(1000);
    expect(hanging).toHaveLength(2);
    hanging[1].resolve(pong());
    await c.stop();
  });

  test('a hung status call is not repeated while it runs; its timeout result makes power unknown', async () => {
    const t = checker({ statusIntervalMs: 5000 });
    const calls: Array<Deferred<IpmiCallResult>> = [];
    const ipmi: IpmiFunction = () => {
      const d = deferred<IpmiCallResult>();
      calls.push(d);
      return d.promise;
    };
    const c = new BmcChecker({ peers: [PEER2], clock: t.clock, pinger: t.pinger, ipmi, readSecret: () => 'pw' });
    c.start();
    await t.clock.advance(0);
    calls[0].resolve(ipmiOk('status', 'on'));
    await t.clock.advance(5000);
    expect(c.state('server2')?.power).toBe('on');
    expect(calls).toHaveLength(2);
    await t.clock.advance(20_000); // the runner's hard timeout is what ends a hung call
    expect(calls).toHaveLength(2);
    calls[1].resolve(ipmiFail('status', 'timeout'));
    await flush();
    expect(c.state('server2')).toMatchObject({
      power: 'unknown',
      lastError: { source: 'ipmi', message: 'ipmitool did not finish within 10000 ms: killed (SIGKILL)' },
    });
    await t.clock.advance(5000);
    expect(calls).toHaveLength(3);
    calls[2].resolve(ipmiOk('status', 'off'));
    await c.stop();
    expect(c.state('server2')?.power).toBe('unknown'); // resolved after stop(): dropped
  });

  test('stop() waits for calls in flight', async () => {
    const t = checker();
    const d = deferred<PingResult>();
    const c = new BmcChecker({
      peers: [PEER2],
      clock: t.clock,
      pinger: () => d.promise,
      ipmi: t.ipmi,
      readSecret: () => 'pw',
    });
    c.start();
    await t.clock.advance(0);
    let stopped = false;
    void c.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    d.resolve(pong());
    await flush();
    expect(stopped).toBe(true);
  });
});

describe('BmcChecker power', () => {
  test('on -> off -> read failure (unknown) -> busy (no change) -> on', async () => {
    const t = checker();
    t.c.start();
    await t.clock.advance(0);
    expect(t.c.state('server2')).toMatchObject({ power: 'on', lastStatusAt: t.clock.wallNow() });
    const firstRead = t.clock.wallNow();

    t.ipmiAnswers.set('192.0.2.12', ipmiOk('status', 'off'));
    await t.clock.advance(5000);
    expect(t.c.state('server2')?.power).toBe('off');
    expect(t.changes.at(-1)?.changed).toEqual(['power']);

    t.ipmiAnswers.set('192.0.2.12', ipmiFail('status', 'error'));
    await t.clock.advance(5000);
    expect(t.c.state('server2')).toMatchObject({
      power: 'unknown',
      reachable: true,
      lastError: { source: 'ipmi', message: 'session: Error: Unable to establish IPMI v2 / RMCP+ session (exit 1)' },
    });
    expect(t.c.state('server2')?.lastStatusAt).toBe(firstRead + 5000);

    t.ipmiAnswers.set('192.0.2.12', ipmiFail('status', 'busy'));
    const before = t.changes.length;
    await t.clock.advance(5000);
    expect(t.changes).toHaveLength(before);
    expect(t.c.state('server2')?.power).toBe('unknown');

    t.ipmiAnswers.set('192.0.2.12', ipmiOk('status', 'on'));
    await t.clock.advance(5000);
    expect(t.c.state('server2')).toMatchObject({ power: 'on', lastError: null });
  });

  test('a ping success does not clear an ipmi error, nor the reverse', async () => {
    const t = checker();
    t.ipmiAnswers.set('192.0.2.12', ipmiFail('status'));
    t.c.start();
    await t.clock.advance(1000);
    expect(t.c.state('server2')?.lastError?.source).toBe('ipmi');
    t.ipmiAnswers.set('192.0.2.12', ipmiOk('status', 'on'));
    t.pingAnswers.set('192.0.2.12', noPong());
    await t.clock.advance(4000);
    expect(t.c.state('server2')?.lastError?.source).toBe('ping');
  });

  test('observers see every ping, status and state', async () => {
    const seen: string[] = [];
    const t = checker({
      observer: {
        onPing: (s, r) => seen.push(`ping ${s} ${r.ok}`),
        onStatus: (s, r) => seen.push(`status ${s} ${r.power ?? '-'}`),
        onState: (s) => seen.push(`state ${s.server} ${s.reachable} ${s.power}`),
      },
    });
    t.c.start();
    await t.clock.advance(0);
    expect(seen).toEqual([
      'ping server2 true',
      'state server2 true unknown',
      'status server2 on',
      'state server2 true on',
    ]);
  });

  test('a throwing listener surfaces as an error event and the checks go on', async () => {
    const t = checker({ statusIntervalMs: 60_000 });
    const errors: unknown[] = [];
    t.c.on('error', (e) => errors.push(e));
    t.c.on('change', () => {
      throw new Error('listener bug');
    });
    t.c.start();
    await t.clock.advance(0);
    expect(errors).toHaveLength(2); // the change of reachable, then the change of power
    t.pingAnswers.set('192.0.2.12', noPong());
    await t.clock.advance(2000);
    expect(t.c.state('server2')?.reachable).toBe(false);
    await expect(t.c.stop()).resolves.toBeUndefined();
  });
});

describe('BmcChecker credentials', () => {
  test('are read at start; an unreadable one stops start() naming server and reference', () => {
    const t = checker({ peers: [PEER2, { ...PEER3, ipmi: { ...PEER3.ipmi, password: { env: 'MISSING_VAR' } } }] });
    expect(() => t.c.start()).toThrow(
      'cannot read BMC credentials: server "server3": BMC password (env MISSING_VAR): environment variable MISSING_VAR is not set'
    );
    expect(t.clock.pendingTimers).toBe(0);
  });

  test('the default reader is backend/config/secrets.ts: file references, errors without the value', () => {
    const peer = { ...PEER2, ipmi: { ...PEER2.ipmi, password: { file: '/nonexistent/bmc2.password' } } };
    const c = new BmcChecker({
      peers: [peer],
      clock: new FakeClock(),
      pinger: fakes().pinger,
      ipmi: fakes().ipmi,
    });
    expect(() => c.start()).toThrow(
      'server "server2": BMC password (file /nonexistent/bmc2.password): cannot read secret file /nonexistent/bmc2.password: ENOENT'
    );
  });

  test('target() gives the resolved target for fencing, password redacted in JSON', async () => {
    const t = checker();
    expect(t.c.target('server2')).toBeUndefined();
    t.c.start();
    const target = t.c.target('server2');
    expect(target?.password.reveal()).toBe('pw-two');
    expect(JSON.stringify(target)).not.toContain('pw-two');
    expect(JSON.stringify(t.c.states())).not.toContain('pw-two');
    await t.c.stop();
  });
});
