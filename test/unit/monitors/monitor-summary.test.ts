import { MonitorBoard } from '../../../backend/monitors/monitor-board';
import { summariseMonitors } from '../../../backend/monitors/monitor-summary';

const servers = ['server1', 'server2', 'server3', 'server4'];

function board() {
  let now = 1000;
  return new MonitorBoard(
    [
      { name: 'userw', servers },
      { name: 'mrw1', servers },
      { name: 'mrw2', servers: ['server2', 'server3'] },
    ],
    { wallNow: () => now++ }
  );
}

describe('monitor summary (the status view)', () => {
  test('all normal: one entry per monitor in configuration order, counts, no per-server entries', () => {
    expect(summariseMonitors(board().list())).toEqual([
      { name: 'userw', status: 'normal', counts: { normal: 4, warning: 0, error: 0, suspended: 0 }, notNormal: [] },
      { name: 'mrw1', status: 'normal', counts: { normal: 4, warning: 0, error: 0, suspended: 0 }, notNormal: [] },
      { name: 'mrw2', status: 'normal', counts: { normal: 2, warning: 0, error: 0, suspended: 0 }, notNormal: [] },
    ]);
  });

  test('a monitor shows its most severe status and lists only the servers that are not normal', () => {
    const b = board();
    b.raiseWarning('userw', 'server4', 'slow');
    b.raiseError('userw', 'server2', 'event loop blocked');
    b.suspend('mrw2', true, 'suspended by ops');
    b.raiseWarning('mrw1', 'server1', 'slow');
    const [userw, mrw1, mrw2] = summariseMonitors(b.list());
    expect(userw).toEqual({
      name: 'userw',
      status: 'error',
      counts: { normal: 2, warning: 1, error: 1, suspended: 0 },
      notNormal: [
        { server: 'server2', status: 'error', since: b.get('userw', 'server2')!.since, reason: 'event loop blocked' },
        { server: 'server4', status: 'warning', since: b.get('userw', 'server4')!.since, reason: 'slow' },
      ],
    });
    expect(mrw1).toMatchObject({ status: 'warning', counts: { normal: 3, warning: 1 } });
    expect(mrw2).toMatchObject({ status: 'suspended', counts: { normal: 0, suspended: 2 } });
    expect(mrw2.notNormal.map((s) => s.server)).toEqual(['server2', 'server3']);
  });

  test.each([
    [['normal', 'suspended'], 'suspended'],
    [['suspended', 'warning'], 'warning'],
    [['warning', 'error', 'suspended'], 'error'],
  ] as const)('servers %j: the monitor shows %s', (statuses, shown) => {
    const states = statuses.map((status, i) => ({ monitor: 'm', server: servers[i], status, since: 1, reason: 'r' }));
    expect(summariseMonitors(states)[0].status).toBe(shown);
  });
});
