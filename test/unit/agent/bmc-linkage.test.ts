// The BMC side of the agent's wiring: what a checker state tells membership (bmcReading),
// what becomes an event (bmcEvent), and BmcChecker.checkNow (a prompt check of a peer whose
// heartbeats falter, without breaking the one-call-per-peer rule).
import { BmcChecker } from '../../../backend/bmc/checker';
import type { BmcPeerState } from '../../../backend/bmc/checker-state';
import type { BmcPeer } from '../../../backend/bmc/targets';
import type { IpmiFunction } from '../../../backend/bmc/types';
import { bmcReading } from '../../../backend/agent/bmc-reading';
import { bmcEvent } from '../../../backend/agent/membership-events';
import { deferred, FakeClock } from '../bmc/fake-time';
import { ipmiOk, pong } from '../bmc/results';

const state = (over: Partial<BmcPeerState>): BmcPeerState => ({
  server: 'server2',
  reachable: true,
  power: 'on',
  lastPingRttMs: 0.3,
  lastPingAt: 10_000,
  consecutivePingFailures: 0,
  lastStatusAt: 8_000,
  lastError: null,
  ...over,
});

describe('bmcReading', () => {
  test('nothing measured yet: no reading', () => {
    expect(bmcReading(state({ lastPingAt: null, lastStatusAt: null, power: 'unknown', reachable: false }))).toBeNull();
  });

  test('a known power state carries the time of the older observation (the power read)', () => {
    expect(bmcReading(state({}))).toEqual({ reachable: true, power: 'on', at: 8_000 });
    expect(bmcReading(state({ lastStatusAt: 12_000 }))).toEqual({ reachable: true, power: 'on', at: 10_000 });
  });

  test('an unknown power state carries the ping time only', () => {
    expect(bmcReading(state({ power: 'unknown', lastStatusAt: 1_000 }))).toEqual({
      reachable: true,
      power: 'unknown',
      at: 10_000,
    });
  });

  test('a successful power read proves the BMC answers even when presence pings do not', () => {
    expect(bmcReading(state({ reachable: false, power: 'off' }))).toMatchObject({ reachable: true, power: 'off' });
    expect(bmcReading(state({ reachable: false, power: 'unknown' }))).toMatchObject({ reachable: false });
  });
});

describe('bmcEvent', () => {
  const change = (
    prev: Partial<BmcPeerState>,
    next: Partial<BmcPeerState>,
    changed: Array<'checked' | 'reachable' | 'power' | 'lastError'>
  ) => ({
    server: 'server2',
    previous: state(prev),
    state: state(next),
    changed,
  });

  test('unreachable and power off are recoverable events; back to normal is informational', () => {
    expect(bmcEvent(change({}, { reachable: false }, ['reachable']), 'server1', 5)).toMatchObject({
      time: 5,
      server: 'server2',
      type: 'bmc',
      class: 'recoverable',
      summary: 'server2: BMC unreachable',
    });
    expect(bmcEvent(change({}, { power: 'off' }, ['power']), 'server1', 5)).toMatchObject({
      class: 'recoverable',
      summary: 'server2: chassis power on -> off',
    });
    expect(bmcEvent(change({ power: 'off' }, { power: 'on' }, ['power']), 'server1', 5)?.class).toBe('informational');
  });

  test('the first check and error texts alone are not events', () => {
    expect(bmcEvent(change({}, {}, ['checked']), 'server1', 5)).toBeNull();
    expect(
      bmcEvent(change({}, { lastError: { source: 'ping', message: 'x', at: 1 } }, ['lastError']), 'server1', 5)
    ).toBeNull();
  });
});

describe('BmcChecker.checkNow', () => {
  const PEER: BmcPeer = {
    server: 'server2',
    ping: { address: '192.0.2.12', port: 623 },
    ipmi: { address: '192.0.2.12', port: 623, user: 'admin', password: { env: 'X' }, cipherSuite: 3 },
  };

  test('pings and reads power at once, between scheduled rounds, but never doubles a call in flight', async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const pending = deferred<ReturnType<typeof ipmiOk>>();
    let holdNext = false;
    const ipmi: IpmiFunction = async (_target, command) => {
      calls.push(`ipmi ${command}`);
      return holdNext ? pending.promise : ipmiOk('status', 'off');
    };
    const checker = new BmcChecker({
      peers: [PEER],
      clock,
      pinger: async () => {
        calls.push('ping');
        return pong();
      },
      ipmi,
      readSecret: () => 'pw',
      pingIntervalMs: 1000,
      statusIntervalMs: 5000,
    });
    expect(checker.checkNow('server2')).toBe(false); // not started
    checker.start();
    await clock.advance(0);
    expect(calls).toEqual(['ping', 'ipmi status']);
    await clock.advance(300);
    holdNext = true;
    expect(checker.checkNow('server2')).toBe(true);
    await clock.advance(0);
    expect(calls).toEqual(['ping', 'ipmi status', 'ping', 'ipmi status']);
    // The status call hangs: a second checkNow only pings.
    expect(checker.checkNow('server2')).toBe(true);
    await clock.advance(0);
    expect(calls.filter((c) => c === 'ipmi status')).toHaveLength(2);
    pending.resolve(ipmiOk('status', 'off'));
    await clock.advance(0);
    expect(checker.state('server2')).toMatchObject({ power: 'off', lastStatusAt: clock.wallNow() });
    expect(checker.checkNow('nobody')).toBe(false);
    await checker.stop();
  });
});
