/**
 * Issue 9, case 6 on real agents (test/support/chaos/): the holder's agent is SIGKILLed and
 * the daemon its resource started keeps running. Contract B:
 *   - neither fencing nor watchdog: no takeover; the group shows `unreachable` and only the
 *     orphaned copy runs. Once the host is powered off through its BMC (which kills it), the
 *     BMC reports power off and the group is taken over at once;
 *   - fencing (bmc-power-off): the winners power server1 off through its BMC (the rig's BMC
 *     really kills the host), and take over after the confirmed fence;
 *   - watchdog: nobody pets server1's watchdog any more, the emulated watchdog resets the
 *     host, and the group is taken over after the deadline.
 * The ledger never shows two copies; server1 boots again and the group stays on server2.
 */
import { expectNoOverlap, settledOn, sleep, startsOn } from '../../support/chaos/checks';
import { createRig, type Rig } from '../../support/chaos/rig';
import type { RigConfigOptions } from '../../support/chaos/config';

const INTERVAL_MS = 200;
const TIMEOUT_MS = 1500;
const WATCHDOG_MS = 2000;
const SURVIVORS = { views: ['server2' as const, 'server3' as const] };

function withRig(name: string, extra: Partial<RigConfigOptions>, body: (rig: () => Rig) => void) {
  describe(name, () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await createRig({
        name: 'chaos-kill',
        groups: [{ name: 'g1' }],
        heartbeat: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS },
        ...extra,
      });
      await rig.start();
    }, 60_000);
    afterAll(async () => {
      await rig?.destroy();
    });
    body(() => rig);
  });
}

withRig('case 6, without fencing or watchdog', {}, (rig) => {
  test('no takeover while the orphaned daemon may run; taken over once the BMC says power off', async () => {
    await settledOn(rig(), 'g1', 'server1');
    const since = Date.now();
    await rig().killAgent('server1');
    await sleep(TIMEOUT_MS + 5000);
    expectNoOverlap(rig(), since);
    expect(rig().runningOn('g1')).toEqual(['server1']);
    for (const s of SURVIVORS.views) {
      expect(await rig().group(s, 'g1')).toMatchObject({ state: 'unreachable' });
    }

    expect((await rig().power('server1', 'off')).code).toBe(0);
    await settledOn(rig(), 'g1', 'server2', { since, ...SURVIVORS });
    expectNoOverlap(rig(), since);
    expect((await rig().power('server1', 'on')).code).toBe(0);
    await rig().boot('server1');
    await settledOn(rig(), 'g1', 'server2', { since });
    expectNoOverlap(rig(), since);
  }, 90_000);
});

withRig('case 6, with fencing', { fencing: true }, (rig) => {
  test('server1 is fenced (powered off, which kills its daemon), then the group is taken over', async () => {
    await settledOn(rig(), 'g1', 'server1');
    const since = Date.now();
    await rig().killAgent('server1');
    await settledOn(rig(), 'g1', 'server2', { since, ...SURVIVORS });
    expectNoOverlap(rig(), since);
    expect(rig().powerState('server1')).toBe('off');
    // After the confirmed fence: the BMC had killed the host before the new copy started.
    const killedAt = Number(
      rig()
        .bmcCalls('server1')
        .find((l) => l.endsWith('killed host processes'))
        ?.split(' ')[0]
    );
    expect(startsOn(rig(), 'g1', 'server2', since)[0].from).toBeGreaterThan(killedAt);

    // Both survivors fence; power on only once each has its answer, as an operator would
    // (an off still in flight would kill the host again as it boots).
    for (const s of SURVIVORS.views) {
      await rig().until(`${s} has fenced server1`, async () =>
        (await rig().eventSummaries(s)).find((e) => /^server1 fenced|^fencing server1 .* failed/.test(e))
      );
    }
    expect((await rig().power('server1', 'on')).code).toBe(0);
    await rig().boot('server1');
    await settledOn(rig(), 'g1', 'server2', { since });
    expectNoOverlap(rig(), since);
  }, 90_000);
});

withRig('case 6, with the watchdog', { watchdog: { timeoutMs: WATCHDOG_MS } }, (rig) => {
  test('the watchdog resets server1 (its daemon dies), then the group is taken over after the deadline', async () => {
    await settledOn(rig(), 'g1', 'server1');
    const since = Date.now();
    await rig().killAgent('server1');
    await settledOn(rig(), 'g1', 'server2', { since, ...SURVIVORS });
    expectNoOverlap(rig(), since);
    expect(
      rig()
        .watchdogEvents('server1')
        .some((e) => e.includes(' reset'))
    ).toBe(true);
    // Not before the deadline: server1's last heartbeat (at most one interval before the
    // kill) + heartbeat timeout + watchdog timeout. A lower bound: a slow machine only adds.
    expect(startsOn(rig(), 'g1', 'server2', since)[0].from - since).toBeGreaterThanOrEqual(
      TIMEOUT_MS + WATCHDOG_MS - INTERVAL_MS
    );

    await rig().boot('server1');
    await settledOn(rig(), 'g1', 'server2', { since });
    expectNoOverlap(rig(), since);
  }, 90_000);
});
