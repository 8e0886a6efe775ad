/**
 * Issue 9, case 1 on real agents (test/support/chaos/): two start requests for one group,
 * sent at the same moment through two different agents, each naming its own server. The
 * contract: requests through any agent go to one decider and are serialized per group, so
 * exactly one start runs (200) and the other is refused (409); the ledger never shows two
 * copies. Three rounds, each through a different pair of agents.
 */
import { expectNoOverlap, settledOn, sleep } from '../../support/chaos/checks';
import { createRig, type Rig, type Server } from '../../support/chaos/rig';

let rig: Rig;

beforeAll(async () => {
  rig = await createRig({ name: 'chaos-concurrent', groups: [{ name: 'g1', autoStart: false }] });
  await rig.start();
}, 60_000);

afterAll(async () => {
  await rig?.destroy();
});

// A round that failed leaves its copies behind: each round starts from a clean slate.
beforeEach(async () => {
  await rig.request('server3', 'POST', '/api/v1/groups/g1/stop');
  rig.killDaemons();
  await rig.until('g1 offline in every view', async () => {
    for (const s of rig.servers) {
      if ((await rig.group(s, 'g1')).state !== 'offline') {
        return undefined;
      }
    }
    return true;
  });
}, 30_000);

const PAIRS: Array<[Server, Server]> = [
  ['server1', 'server2'],
  ['server2', 'server3'],
  ['server3', 'server1'],
];

test.each(PAIRS)(
  'case 1: start through %s and through %s at the same moment: exactly one runs',
  async (a, b) => {
    const since = Date.now();
    const start = (via: Server) => rig.request(via, 'POST', '/api/v1/groups/g1/start', { server: via });
    const [ra, rb] = await Promise.all([start(a), start(b)]);
    // Long enough for a second copy to show in the ledger (it writes every 50 ms).
    await sleep(1000);

    expectNoOverlap(rig, since);
    const winners = [ra, rb].filter((r) => r.status === 200 && r.body.ok === true);
    expect({ answers: [ra.status, rb.status].sort(), winners: winners.length }).toEqual({
      answers: [200, 409],
      winners: 1,
    });
    const winner = ra === winners[0] ? a : b;
    await settledOn(rig, 'g1', winner, { since });
    expectNoOverlap(rig, since);
  },
  60_000
);
