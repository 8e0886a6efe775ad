import { buildStatus } from '../../../backend/agent/status';
import { formatStatus, statusProblems } from '../../../backend/cli/commands/status-format';
import { mergeMonitorRows } from '../../../backend/monitors/cluster-rows';
import type { MonitorState } from '../../../backend/monitors/monitor-board';
import { cluster, peer, snapshot } from './fixtures';

const time = (ms: number) => `t${ms}`;
const row = (server: string, over: Partial<MonitorState> = {}): MonitorState => ({
  monitor: 'userw',
  server,
  status: 'normal',
  since: 5,
  reason: 'started',
  ...over,
});

/** server1's view: server2's rows last heard at 1000 (stale at 3000), server3 never heard. */
function status(now: number) {
  const local = [row('server1'), row('server2'), row('server3', { status: 'error', since: 7, reason: 'copy' })];
  const peers = new Map([
    [
      'server2',
      {
        server: 'server2',
        epoch: 1,
        version: 2,
        seenAt: 1000,
        rows: [row('server2', { status: 'error', since: 9, reason: 'late' })],
      },
    ],
  ]);
  return buildStatus({
    running: cluster(),
    runningRevision: 1,
    current: { revision: 1, hash: '0123456789abcdef' },
    self: 'server1',
    heartbeat: snapshot([peer('server2'), peer('server3')]),
    heartbeatError: null,
    bmc: [],
    monitors: mergeMonitorRows({ self: 'server1', local, touched: () => false, peers, now, staleAfterMs: 1000 }),
    monitorSources: [
      { server: 'server1', seenAt: now, stale: false, epoch: 1, version: 0 },
      { server: 'server2', seenAt: 1000, stale: now - 1000 > 1000, epoch: 1, version: 2 },
      { server: 'server3', seenAt: null, stale: true, epoch: null, version: null },
    ],
    groups: [],
    conflicts: [],
    startedAt: 0,
    monoNow: 2000,
    wallNow: now,
  });
}

describe('lifeline status with cluster-wide monitors', () => {
  test('rows of a silent or never-heard server say so; errors count wherever they come from', () => {
    const fresh = formatStatus(status(1500), time);
    expect(fresh).toMatch(/^ {4}server2 +error +t9 +late$/m);
    expect(fresh).toMatch(/^ {4}server3 +error +t7 +copy \(stale: server3 not heard from\)$/m);
    const silent = formatStatus(status(3000), time);
    expect(silent).toMatch(/^ {4}server2 +error +t9 +late \(stale: last seen from server2 at t1000\)$/m);
    expect(statusProblems(status(3000))).toEqual(
      expect.arrayContaining(['monitor userw on server2 is in error', 'monitor userw on server3 is in error'])
    );
  });
});
