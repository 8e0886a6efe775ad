import { RecoveryLadder } from '../../../backend/recovery/ladder';

const recovery = (restartThreshold: number, failoverThreshold: number, finalAction = 'stop-group' as const) => ({
  targetType: 'group' as const,
  target: 'web',
  restartThreshold,
  failoverThreshold,
  finalAction,
});

test('restart N times, fail over M times, then the final action, for as long as errors repeat', () => {
  const ladder = new RecoveryLadder();
  const steps = Array.from({ length: 5 }, () => ladder.next('mon', 'server1', recovery(2, 1)));
  expect(steps).toEqual([
    { kind: 'restart', attempt: 1 },
    { kind: 'restart', attempt: 2 },
    { kind: 'failover', attempt: 1 },
    { kind: 'final', action: 'stop-group' },
    { kind: 'final', action: 'stop-group' },
  ]);
});

test('counted per monitor and server; back to normal starts again from the bottom', () => {
  const ladder = new RecoveryLadder();
  expect(ladder.next('mon', 'server1', recovery(0, 1))).toEqual({ kind: 'failover', attempt: 1 });
  expect(ladder.next('mon', 'server2', recovery(0, 1))).toEqual({ kind: 'failover', attempt: 1 });
  expect(ladder.next('other', 'server1', recovery(0, 1))).toEqual({ kind: 'failover', attempt: 1 });
  expect(ladder.next('mon', 'server1', recovery(0, 1))).toEqual({ kind: 'final', action: 'stop-group' });
  ladder.reset('mon', 'server1');
  expect(ladder.next('mon', 'server1', recovery(0, 1))).toEqual({ kind: 'failover', attempt: 1 });
});

test('no thresholds: straight to the final action', () => {
  expect(new RecoveryLadder().next('m', 's', recovery(0, 0, 'none' as never))).toEqual({
    kind: 'final',
    action: 'none',
  });
});
