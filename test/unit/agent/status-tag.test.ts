import { buildStatus, stableStatus, type StatusInput } from '../../../backend/agent/status';
import { weakTag } from '../../../backend/api/state-tag';
import type { BmcPeerState } from '../../../backend/bmc/checker-state';
import { cluster, peer, snapshot } from './fixtures';

const bmc2: BmcPeerState = {
  server: 'server2',
  reachable: true,
  power: 'on',
  lastPingRttMs: 0.2,
  lastPingAt: 1990,
  consecutivePingFailures: 0,
  lastStatusAt: 1000,
  lastError: { source: 'ipmi', message: 'ipmitool: timeout', at: 1500 },
};

function input(over: Partial<StatusInput> = {}): StatusInput {
  return {
    running: cluster(),
    runningRevision: 1,
    current: { revision: 1, hash: 'ab' },
    self: 'server1',
    heartbeat: snapshot([peer('server2'), peer('server3', { state: 'suspect' })]),
    heartbeatError: null,
    bmc: [bmc2],
    monitors: [{ monitor: 'userw', server: 'server1', status: 'normal', since: 5, reason: 'started' }],
    monitorSources: [
      { server: 'server1', seenAt: 2000, stale: false, epoch: 1, version: 0 },
      { server: 'server2', seenAt: 1900, stale: false, epoch: 2, version: 3 },
    ],
    groups: [],
    conflicts: [],
    startedAt: 0,
    monoNow: 2000,
    wallNow: 1_700_000_002_000,
    ...over,
  };
}

const tag = (over: Partial<StatusInput> = {}) => weakTag(stableStatus(buildStatus(input(over))));

describe('the status ETag covers the state, not its ages and samples', () => {
  test('later renders with new heartbeats, pings, power reads and polls have the same tag', () => {
    const later = tag({
      // 300 ms on, both clocks; a new heartbeat, round trip, BMC ping, power read and poll.
      monoNow: 2300,
      wallNow: 1_700_000_002_301, // read a millisecond apart from the monotonic clock
      heartbeat: snapshot([
        peer('server2', {
          paths: [
            { interconnect: 0, state: 'up', fresh: true, lastHeardAt: 2250, silenceMs: 50, rttMs: 0.09, rttLastMs: 1 },
            { interconnect: 1, state: 'up', fresh: true, lastHeardAt: 2280, silenceMs: 20, rttMs: 0.04, rttLastMs: 1 },
          ],
        }),
        peer('server3', { state: 'suspect' }), // its reason counts the silence: left out
      ]),
      bmc: [
        {
          ...bmc2,
          lastPingAt: 2290,
          lastPingRttMs: 0.3,
          lastStatusAt: 2200,
          lastError: { ...bmc2.lastError!, at: 2250 },
        },
      ],
      monitorSources: [
        { server: 'server1', seenAt: 2300, stale: false, epoch: 1, version: 0 },
        { server: 'server2', seenAt: 2250, stale: false, epoch: 2, version: 3 },
      ],
    });
    expect(later).toBe(tag());
    expect(later).toMatch(/^W\/"[\w-]+"$/);
  });

  test.each<[string, Partial<StatusInput>]>([
    [
      'a peer state',
      { heartbeat: snapshot([peer('server2', { state: 'suspect' }), peer('server3', { state: 'suspect' })]) },
    ],
    [
      'a path going down',
      { heartbeat: snapshot([peer('server2', { degraded: true }), peer('server3', { state: 'suspect' })]) },
    ],
    ['BMC power', { bmc: [{ ...bmc2, power: 'off' }] }],
    ['another BMC failure', { bmc: [{ ...bmc2, lastError: { source: 'ping', message: 'no pong', at: 1500 } }] }],
    ['a monitor', { monitors: [{ monitor: 'userw', server: 'server1', status: 'error', since: 9, reason: 'late' }] }],
    [
      "a peer's monitor rows going stale",
      {
        monitorSources: [
          { server: 'server1', seenAt: 2000, stale: false, epoch: 1, version: 0 },
          { server: 'server2', seenAt: 1900, stale: true, epoch: 2, version: 3 },
        ],
      },
    ],
    ['the configuration', { current: { revision: 2, hash: 'cd' } }],
  ])('changes with %s', (_what, over) => {
    expect(tag(over)).not.toBe(tag());
  });
});
