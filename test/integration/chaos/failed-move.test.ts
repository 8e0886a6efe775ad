/**
 * Issue 9, case 5 on real agents (test/support/chaos/): a move whose target cannot start the
 * group falls back through the next startup servers, and last to the server it came from
 * (contract B). Startup order server1, server2, server3; the group runs on server1.
 *   move to server2, whose start fails          -> ends on server3
 *   (back on server1) move to server2 again, server2 and server3 both launching their daemon
 *   and then failing                            -> ends on server1, both daemons stopped
 * The ledger never shows two copies.
 */
import { expectNoOverlap, settledOn, startsOn, stoppedCleanly } from '../../support/chaos/checks';
import { createRig, type Rig } from '../../support/chaos/rig';

let rig: Rig;

beforeAll(async () => {
  rig = await createRig({
    name: 'chaos-failmove',
    groups: [{ name: 'g1', startupServers: ['server1', 'server2', 'server3'] }],
  });
  await rig.start();
}, 60_000);

afterAll(async () => {
  await rig?.destroy();
});

test('case 5: move to server2, which fails to start it: the group ends on server3 (next startup server)', async () => {
  await settledOn(rig, 'g1', 'server1');
  const since = Date.now();
  rig.failStart('server2', 'g1', 'exit');
  await rig.request('server3', 'POST', '/api/v1/groups/g1/move', { server: 'server2' });
  await settledOn(rig, 'g1', 'server3', { since });
  expectNoOverlap(rig, since);
  expect(startsOn(rig, 'g1', 'server2', since)).toEqual([]);
}, 60_000);

test('case 5: move to server2 with server2 and server3 failing: the group ends back on server1, its origin', async () => {
  rig.failStart('server2', 'g1', null);
  if (rig.runningOn('g1').join() !== 'server1') {
    const home = await rig.request('server1', 'POST', '/api/v1/groups/g1/move', { server: 'server1' });
    expect([200, 409]).toContain(home.status); // 409: it was there already
  }
  await settledOn(rig, 'g1', 'server1');
  const since = Date.now();
  // This time both starts leave their daemon behind and fail: each must be stopped again.
  rig.failStart('server2', 'g1', 'daemon');
  rig.failStart('server3', 'g1', 'daemon');
  await rig.request('server2', 'POST', '/api/v1/groups/g1/move', { server: 'server2' });
  await settledOn(rig, 'g1', 'server1', { since });
  expectNoOverlap(rig, since);
  expect(stoppedCleanly(rig, 'g1', 'server2', since) && stoppedCleanly(rig, 'g1', 'server3', since)).toBe(true);
}, 60_000);
