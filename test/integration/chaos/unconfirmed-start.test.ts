/**
 * A start runs no resource until every peer heard has confirmed that it knows of it
 * (backend/membership/confirmation.ts), on real agents (test/support/chaos/). Why: a start
 * announced into a network cut is unknown to the side that will win, which then starts the
 * group too (simulation scenario move-start-into-a-cut). Here server1 goes deaf (nftables
 * drops every heartbeat arriving at it): it still sends, and for a heartbeat timeout it
 * still counts its peers as heard, so without the gate it would start the group at once.
 * With it the start fails before any resource runs, and the ledger never shows the group.
 */
import { expectNoOverlap, settledOn, sleep, startsOn } from '../../support/chaos/checks';
import { createRig, type Rig } from '../../support/chaos/rig';

let rig: Rig;

beforeAll(async () => {
  rig = await createRig({ name: 'chaos-unconfirmed', groups: [{ name: 'g1', autoStart: false }] });
  await rig.start();
}, 60_000);

afterAll(async () => {
  await rig?.destroy();
});

const start = () => rig.request('server1', 'POST', '/api/v1/groups/g1/start', { server: 'server1' });

test('with every peer answering, the start is confirmed and runs', async () => {
  const since = Date.now();
  const r = await start();
  expect({ status: r.status, ok: r.body.ok }).toEqual({ status: 200, ok: true });
  await settledOn(rig, 'g1', 'server1', { since });
  expect((await rig.request('server1', 'POST', '/api/v1/groups/g1/stop')).status).toBe(200);
  await rig.until('g1 stopped', () => (rig.runningOn('g1').length === 0 ? true : undefined));
}, 60_000);

test('a start nobody can confirm runs nothing, and the cluster starts it once heartbeats flow again', async () => {
  const since = Date.now();
  rig.deafen('server1', true);
  let answer: Awaited<ReturnType<typeof start>>;
  try {
    answer = await start();
  } finally {
    await sleep(500); // a copy started anyway would show in the ledger by now (it writes every 50 ms)
    rig.deafen('server1', false);
  }
  expect(answer.status === 200 && answer.body.ok === true).toBe(false);
  expect(JSON.stringify(answer.body)).toMatch(/did not confirm within 1500 ms/);
  expect(rig.servers.flatMap((s) => startsOn(rig, 'g1', s, since))).toEqual([]);

  // Heard again: the same request goes through.
  await rig.until('every peer heard by server1 again', async () =>
    (await rig.status('server1')).servers.every((s) => s.state === 'online') ? true : undefined
  );
  const again = await rig.until('the start goes through', async () => {
    const r = await start();
    return r.status === 200 && r.body.ok === true ? r : undefined;
  });
  expect(again.body.ok).toBe(true);
  await settledOn(rig, 'g1', 'server1', { since });
  expectNoOverlap(rig, since);
}, 90_000);
