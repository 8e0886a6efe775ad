/**
 * Issue 9, case 4 on real agents (test/support/chaos/): the start script of server1 launches
 * its daemon and then exits non-zero. Contract B: a failed start stops every resource it
 * touched, the failed one included, so the daemon it left is stopped (its stop script runs:
 * the ledger shows a stop line), and a start on server2 afterwards never gives two copies.
 */
import { expectNoOverlap, settledOn, sleep, stoppedCleanly } from '../../support/chaos/checks';
import { createRig, type Rig } from '../../support/chaos/rig';

let rig: Rig;

beforeAll(async () => {
  rig = await createRig({ name: 'chaos-failstart', groups: [{ name: 'g1', autoStart: false }] });
  await rig.start();
}, 60_000);

afterAll(async () => {
  await rig?.destroy();
});

test('case 4: a start that left its daemon and failed stops it; a start on server2 then runs the only copy', async () => {
  const since = Date.now();
  rig.failStart('server1', 'g1', 'daemon');
  const failed = await rig.request('server1', 'POST', '/api/v1/groups/g1/start', { server: 'server1' });
  // Failed there (whether or not the cluster then placed it elsewhere on its own).
  expect(failed.status === 200 && failed.body.ok === true && failed.body.server === 'server1').toBe(false);
  await rig.until('server1 done with g1 (neither starting nor stopping)', async () => {
    const g = await rig.group('server1', 'g1');
    return g.local !== 'starting' && g.local !== 'stopping' ? true : undefined;
  });
  rig.failStart('server1', 'g1', null);

  const elsewhere = await rig.request('server2', 'POST', '/api/v1/groups/g1/start', { server: 'server2' });
  // 409 when the cluster has already placed it on server2 after the failure.
  expect([200, 409]).toContain(elsewhere.status);
  await sleep(1000);
  expectNoOverlap(rig, since);
  expect(stoppedCleanly(rig, 'g1', 'server1', since)).toBe(true);
  await settledOn(rig, 'g1', 'server2', { since });
  expectNoOverlap(rig, since);
}, 90_000);
