import type { ClusterConfig } from '../../../backend/config/model';
import { RecoveryLadder } from '../../../backend/recovery/ladder';
import { planRecovery } from '../../../backend/recovery/plan';
import { groupConfig } from '../groups/harness';

const recovery = (over: object) => ({
  targetType: 'group',
  target: 'web',
  restartThreshold: 1,
  failoverThreshold: 1,
  finalAction: 'stop-group',
  ...over,
});
const config = (r: object) =>
  ({ ...groupConfig(), monitors: [{ name: 'm', recovery: recovery(r) }] }) as unknown as Pick<
    ClusterConfig,
    'monitors' | 'groups'
  >;
const on = (server: string | null) => ({
  config: groupConfig(),
  self: 'server1',
  local: [],
  peers: ['server1', 'server2', 'server3']
    .filter((s) => s !== 'server1')
    .map((s) => ({ server: s, state: 'online' as const, holds: s === server ? ['web'] : [] })),
});

describe('recovery plan', () => {
  test('restart, then fail over, then the final action; each a request naming the server in error', () => {
    const ladder = new RecoveryLadder();
    const c = config({});
    expect(planRecovery(c, on('server2'), ladder, 'm', 'server2')).toMatchObject({
      kind: 'group',
      request: { op: 'restart', group: 'web', from: 'server2' },
    });
    expect(planRecovery(c, on('server2'), ladder, 'm', 'server2')).toMatchObject({
      kind: 'group',
      request: { op: 'move', group: 'web', event: 'FAILOVER', from: 'server2' },
    });
    expect(planRecovery(c, on('server2'), ladder, 'm', 'server2')).toMatchObject({
      kind: 'group',
      request: { op: 'stop', group: 'web' },
    });
  });

  test('nothing when the group does not run on the server in error (the ladder is not used up)', () => {
    const ladder = new RecoveryLadder();
    expect(planRecovery(config({}), on('server3'), ladder, 'm', 'server2')).toMatchObject({ kind: 'none' });
    expect(planRecovery(config({}), on('server2'), ladder, 'm', 'server2')).toMatchObject({
      request: { op: 'restart' },
    });
  });

  test('server final actions and local-server targets', () => {
    const ladder = new RecoveryLadder();
    expect(
      planRecovery(
        config({ restartThreshold: 0, failoverThreshold: 0, finalAction: 'bmc-reset' }),
        on('server2'),
        ladder,
        'm',
        'server2'
      )
    ).toEqual({ kind: 'server', step: { kind: 'final', action: 'bmc-reset' }, group: 'web' });
    expect(
      planRecovery(config({ targetType: 'local-server', finalAction: 'reboot' }), on(null), ladder, 'm', 'server1')
    ).toEqual({ kind: 'server', step: { kind: 'final', action: 'reboot' }, group: null });
  });
});
