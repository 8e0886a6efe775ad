import { buildStatus } from '../../../backend/agent/status';
import { formatStatus, statusProblems } from '../../../backend/cli/commands/status-format';
import { groupViews } from '../../../backend/groups/view';
import { cluster, peer, snapshot } from './fixtures';

const time = (ms: number) => `t${ms % 1000}`;

function status(peers = [peer('server2'), peer('server3', { state: 'hung-or-partitioned' })]) {
  return buildStatus({
    running: cluster(),
    runningRevision: 1,
    current: { revision: 1, hash: '0123456789abcdef' },
    self: 'server1',
    heartbeat: snapshot(peers),
    heartbeatError: null,
    bmc: [],
    monitors: [
      { monitor: 'userw', server: 'server1', status: 'error', since: 1_700_000_000_123, reason: 'event loop blocked' },
      { monitor: 'userw', server: 'server2', status: 'normal', since: 5, reason: 'started' },
      {
        monitor: 'userw',
        server: 'server3',
        status: 'suspended',
        since: 1_700_000_000_456,
        reason: 'suspended by ops',
      },
      ...['server1', 'server2', 'server3'].map((server) => ({
        monitor: 'mrw1',
        server,
        status: 'normal' as const,
        since: 5,
        reason: 'started',
      })),
    ],
    groups: groupViews(
      {
        config: cluster(),
        self: 'server1',
        local: [{ group: 'failover1', state: 'offline', since: 1, reason: '', resources: [] }],
        peers: peers.map((p) => ({ server: p.server, state: p.state, holds: p.server === 'server3' ? ['failover1'] : [] })),
      },
      () => undefined
    ),
    conflicts: [],
    startedAt: 1_700_000_000_000,
    monoNow: 2000,
    wallNow: 1_700_000_002_000,
  });
}

describe('lifeline status table', () => {
  test('servers x interconnects with power, then groups, then monitors with the servers where they are not normal', () => {
    expect(formatStatus(status(), time)).toBe(
      [
        'Cluster itest, seen from server1: configuration revision 1 (0123456789ab), heartbeat every 200 ms, down after 1000 ms',
        '',
        'SERVER     STATE                SINCE  lan0  lan1  bmc2  POWER    REASON',
        '* server1  online               t0     -     -     -     -',
        '  server2  online               t100   up    up    wait  unknown  heard on lan0, lan1',
        '  server3  hung-or-partitioned  t100   up    up    wait  unknown  no heartbeat on any path; BMC reports power on',
        '',
        'GROUP        STATE        CURRENT  OPERATION',
        '  failover1  unreachable  server3',
        '',
        'MONITOR      STATUS     SINCE  SERVERS / REASON',
        '  userw      error             1 error, 1 suspended, 1 normal',
        '    server1  error      t123   event loop blocked',
        '    server3  suspended  t456   suspended by ops',
        '  mrw1       normal            3 normal',
        '',
      ].join('\n')
    );
  });

  test('problems: a server not online, a monitor in error', () => {
    expect(statusProblems(status())).toEqual([
      'server server3 is hung-or-partitioned',
      'monitor userw on server1 is in error',
      'group failover1 is unreachable (server3)',
    ]);
  });
});

test('the first line names what waits for a restart', () => {
  const s = status();
  s.config.restartRequired = true;
  s.config.restartChanges = [{ area: 'watchdog', path: 'watchdog', summary: 'watchdog set' }];
  expect(formatStatus(s, time).split('\n')[0]).toBe(
    'Cluster itest, seen from server1: configuration revision 1 (0123456789ab; waiting for a restart (lifeline cluster restart): watchdog set), heartbeat every 200 ms, down after 1000 ms'
  );
});
