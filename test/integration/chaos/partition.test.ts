/**
 * Issue 9, case 3 on real agents (test/support/chaos/): a real partition. Both interconnect
 * bridges are cut between server1 (the holder) and the others; the BMC network stays, so
 * the winners (server2, server3: 2 of 3) see server1 silent with its power on. server1's
 * stop script takes 2 s. Contract B:
 *   - neither fencing nor watchdog: the winners never take over a silent powered-on peer;
 *     the loser stops its copy; the group shows `unreachable` until an operator runs
 *     confirm-down, then it starts on server2 (next startup server);
 *   - watchdog: the winners take it over only after the loser's deadline (heartbeat
 *     timeout + watchdog timeout + margin), by when the loser has stopped (or was reset).
 * In both, the ledger never shows two copies, and after the heal every agent agrees.
 */
import { expectNoOverlap, settledOn, sleep, startsOn, stoppedCleanly } from '../../support/chaos/checks';
import { createRig, type Rig } from '../../support/chaos/rig';

const INTERVAL_MS = 200;
const TIMEOUT_MS = 1500;
const WATCHDOG_MS = 3000;
const STOP_MS = 2000;
const WINNERS = { views: ['server2' as const, 'server3' as const] };
const groups = [{ name: 'g1', stopDelayMs: STOP_MS }];

describe('case 3, without fencing or watchdog', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await createRig({
      name: 'chaos-part',
      groups,
      heartbeat: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS },
    });
    await rig.start();
  }, 60_000);
  afterAll(async () => {
    await rig?.destroy();
  });

  test('the loser stops its copy, the winners do not take over; confirm-down moves it to server2', async () => {
    await settledOn(rig, 'g1', 'server1');
    const since = Date.now();
    rig.isolate('server1', true);
    // The loser's slow stop, plus time for a takeover that must not happen to show.
    await sleep(TIMEOUT_MS + STOP_MS + 3000);
    expectNoOverlap(rig, since);
    expect(rig.runningOn('g1')).toEqual([]);
    expect(stoppedCleanly(rig, 'g1', 'server1', since)).toBe(true);
    for (const s of WINNERS.views) {
      expect(await rig.group(s, 'g1')).toMatchObject({ state: 'unreachable' });
    }

    const r = await rig.request('server2', 'POST', '/api/v1/servers/server1/confirm-down');
    expect(r.status).toBe(200);
    await settledOn(rig, 'g1', 'server2', { since, ...WINNERS });
    expectNoOverlap(rig, since);

    rig.isolate('server1', false);
    await settledOn(rig, 'g1', 'server2', { since });
    expectNoOverlap(rig, since);
  }, 90_000);
});

describe('case 3, with the watchdog', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await createRig({
      name: 'chaos-part-wd',
      groups,
      heartbeat: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS },
      watchdog: { timeoutMs: WATCHDOG_MS },
    });
    await rig.start();
  }, 60_000);
  afterAll(async () => {
    await rig?.destroy();
  });

  test('the winners take over only after the loser has stopped (its deadline): never two copies', async () => {
    await settledOn(rig, 'g1', 'server1');
    const since = Date.now();
    rig.isolate('server1', true);
    await settledOn(rig, 'g1', 'server2', { since, ms: 40_000, ...WINNERS });
    expectNoOverlap(rig, since);
    // Not before the loser's deadline: its last heartbeat (at most one interval before the
    // cut) + heartbeat timeout + watchdog timeout. A lower bound: a slow machine only adds.
    expect(startsOn(rig, 'g1', 'server2', since)[0].from - since).toBeGreaterThanOrEqual(
      TIMEOUT_MS + WATCHDOG_MS - INTERVAL_MS
    );

    rig.isolate('server1', false);
    if (!rig.agentUp('server1')) {
      await rig.boot('server1'); // the watchdog reset the host: it boots again
    }
    await settledOn(rig, 'g1', 'server2', { since });
    expectNoOverlap(rig, since);
  }, 90_000);
});
