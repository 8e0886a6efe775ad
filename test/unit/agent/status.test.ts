import { buildStatus, type StatusInput } from '../../../backend/agent/status';
import { groupViews } from '../../../backend/groups/view';
import type { BmcPeerState } from '../../../backend/bmc/checker-state';
import { cluster, evidence, peer, snapshot } from './fixtures';
import { ip } from '../../support/isolation';

const bmc2: BmcPeerState = {
  server: 'server2',
  reachable: true,
  power: 'on',
  lastPingRttMs: 0.2,
  lastPingAt: 1_700_000_001_990,
  consecutivePingFailures: 0,
  lastStatusAt: 1_700_000_001_000,
  lastError: null,
};
const bmc3: BmcPeerState = {
  ...bmc2,
  server: 'server3',
  reachable: false,
  power: 'unknown',
  lastPingRttMs: null,
  lastError: { source: 'ping', message: 'timeout: no pong', at: 1_700_000_001_990 },
};

function input(over: Partial<StatusInput> = {}): StatusInput {
  return {
    running: cluster(),
    runningRevision: 1,
    current: { revision: 1, hash: 'ab' },
    self: 'server1',
    heartbeat: snapshot([
      peer('server2'),
      peer('server3', {
        state: 'unknown',
        since: 1500,
        paths: [
          {
            interconnect: 0,
            state: 'down',
            fresh: false,
            lastHeardAt: 400,
            silenceMs: 1600,
            rttMs: 0.1,
            rttLastMs: 0.1,
          },
          {
            interconnect: 1,
            state: 'down',
            fresh: false,
            lastHeardAt: 450,
            silenceMs: 1550,
            rttMs: null,
            rttLastMs: null,
          },
        ],
        summary: null,
      }),
    ]),
    heartbeatError: null,
    bmc: [bmc2, bmc3],
    monitors: [{ monitor: 'userw', server: 'server1', status: 'normal', since: 5, reason: 'started' }],
    groups: [],
    conflicts: [],
    reasons: { server3: evidence({ reason: 'no heartbeat on any path for 1.000 s or more; BMC unreachable' }).reason },
    startedAt: 1_699_999_999_000,
    monoNow: 2000,
    wallNow: 1_700_000_002_000,
    ...over,
  };
}

describe('status snapshot', () => {
  test('servers x interconnects: self, an online peer with its BMC path, a down peer with the transition reason', () => {
    const s = buildStatus(input());
    expect(s).toMatchObject({ cluster: 'itest', self: 'server1', at: 1_700_000_002_000 });
    expect(s.interconnects).toEqual([
      { index: 0, type: 'lan', port: 29002 },
      { index: 1, type: 'lan', port: 29003 },
      { index: 2, type: 'bmc', port: null },
    ]);
    const [one, two, three] = s.servers;
    expect(one).toMatchObject({ name: 'server1', self: true, state: 'online', since: 1_699_999_999_000 });
    expect(one.paths.map((p) => p.state)).toEqual(['self', 'self', 'self']);
    expect(one.bmc).toEqual({ reachable: null, power: 'unknown', lastError: null, lastPowerReadAt: null });
    expect(two).toMatchObject({
      name: 'server2',
      state: 'online',
      since: 1_700_000_000_100,
      degraded: false,
      reason: 'heard on lan0, lan1',
      bmc: { reachable: true, power: 'on', lastError: null, lastPowerReadAt: 1_700_000_001_000 },
      config: { revision: 1, hash: 'ab' },
    });
    expect(two.paths).toEqual([
      {
        interconnect: 0,
        type: 'lan',
        address: ip('127.0.0.2'),
        state: 'up',
        lastHeard: 1_700_000_001_900,
        silenceMs: 100,
        rttMs: 0.05,
      },
      {
        interconnect: 1,
        type: 'lan',
        address: ip('127.0.2.2'),
        state: 'up',
        lastHeard: 1_700_000_001_950,
        silenceMs: 50,
        rttMs: 0.07,
      },
      {
        interconnect: 2,
        type: 'bmc',
        address: ip('127.0.1.12'),
        state: 'up',
        lastHeard: 1_700_000_001_990,
        silenceMs: null,
        rttMs: 0.2,
      },
    ]);
    expect(three).toMatchObject({
      state: 'unknown',
      reason: 'no heartbeat on any path for 1.000 s or more; BMC unreachable',
      config: null,
      bmc: { reachable: false, power: 'unknown', lastError: { source: 'ping' } },
    });
    expect(three.paths.map((p) => p.state)).toEqual(['down', 'down', 'down']);
  });

  test('groups: where each runs as this agent sees it (no per-resource detail); monitors and config pass through', () => {
    const config = cluster();
    const groups = groupViews(
      {
        config,
        self: 'server1',
        local: [{ group: 'failover1', state: 'offline', since: 1, reason: 'agent started', resources: [] }],
        peers: [
          { server: 'server2', state: 'online', holds: ['failover1'] },
          { server: 'server3', state: 'unknown', holds: null },
        ],
      },
      () => 'move'
    );
    const s = buildStatus(
      input({ groups, current: { revision: 3, hash: 'cd' }, conflicts: [{ revision: 3, hashes: { a: '1', b: '2' } }] })
    );
    expect(s.groups).toEqual([
      {
        name: 'failover1',
        state: 'online',
        currentServer: 'server2',
        holders: ['server2'],
        startupServers: ['server1', 'server2', 'server3'],
        local: 'offline',
        operation: 'move',
      },
    ]);
    expect(s.monitors).toHaveLength(1);
    expect(s.config).toEqual({
      revision: 3,
      hash: 'cd',
      runningRevision: 1,
      restartChanges: [],
      restartRequired: true,
      conflicts: [{ revision: 3, hashes: { a: '1', b: '2' } }],
    });
  });

  test('a degraded online peer says which path is down; a suspect one how long it has been quiet', () => {
    const degraded = peer('server2', {
      degraded: true,
      paths: [
        { interconnect: 0, state: 'up', fresh: true, lastHeardAt: 1900, silenceMs: 100, rttMs: 0.05, rttLastMs: 0.05 },
        {
          interconnect: 1,
          state: 'down',
          fresh: false,
          lastHeardAt: 10,
          silenceMs: 1990,
          rttMs: 0.07,
          rttLastMs: 0.07,
        },
      ],
    });
    const suspect = peer('server3', {
      state: 'suspect',
      paths: peer('x').paths.map((p) => ({ ...p, fresh: false, silenceMs: 600 })),
    });
    const s = buildStatus(input({ heartbeat: snapshot([degraded, suspect]) }));
    expect(s.servers[1]).toMatchObject({ degraded: true, reason: 'heard on lan0; lan1 down' });
    expect(s.servers[2]).toMatchObject({ state: 'suspect', reason: 'no heartbeat for 600 ms on any path' });
  });

  test('without a heartbeat snapshot (service failed) peers are unknown and the error is shown', () => {
    const s = buildStatus(input({ heartbeat: null, heartbeatError: 'heartbeat service failed: boom', bmc: null }));
    expect(s.heartbeat).toMatchObject({ running: false, error: 'heartbeat service failed: boom' });
    expect(s.servers[1]).toMatchObject({ state: 'unknown', reason: 'heartbeats are not running' });
    expect(s.servers[1].paths[2].state).toBe('pending');
  });
});
