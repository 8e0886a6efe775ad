/**
 * Issue 9, case 2 on real agents (test/support/chaos/): the holder's agent is frozen with
 * SIGSTOP for three heartbeat timeouts, then resumed with SIGCONT. Without fencing or
 * watchdog, a silent powered-on peer is not taken over (contract B), and a holder that
 * stalled stops its groups first when it resumes: the ledger never shows two copies, and
 * the group ends on exactly one server, which every agent names.
 */
import { expectNoOverlap, settled, sleep } from '../../support/chaos/checks';
import { createRig, type Rig } from '../../support/chaos/rig';

let rig: Rig;
const TIMEOUT_MS = 1500;

beforeAll(async () => {
  rig = await createRig({
    name: 'chaos-stall',
    groups: [{ name: 'g1' }],
    heartbeat: { intervalMs: 200, timeoutMs: TIMEOUT_MS },
  });
  await rig.start();
}, 60_000);

afterAll(async () => {
  await rig?.destroy();
});

test('case 2: holder frozen longer than the heartbeat timeout, then resumed: never two copies, one server in the end', async () => {
  expect(await settled(rig, 'g1')).toBe('server1');
  const since = Date.now();
  rig.freeze('server1');
  await sleep(3 * TIMEOUT_MS);
  rig.thaw('server1');
  // Long enough after the resume for a copy that is not stopped to show next to another.
  await sleep(3000);
  expectNoOverlap(rig, since);

  const where = await settled(rig, 'g1', { since });
  expect(rig.runningOn('g1')).toEqual([where]);
  expectNoOverlap(rig, since);
}, 90_000);
