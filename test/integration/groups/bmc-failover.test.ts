/**
 * The product's reason to exist, end to end with real parts: two agents on loopback, two
 * simulated BMCs (ipmi_sim), a group whose exec resource leaves a marker file.
 *   a fatal PET (snmptrap-encoded, from server1's BMC address) to server1's BMCNOTICE
 *   keyword                          -> mrw1 in error -> the group fails over to server2
 *   server2 powered off and killed   -> offline-confirmed -> server1 takes the group over
 *   server1 killed, power still on   -> hung-or-partitioned: server2 does NOT take over
 */
import fs from 'node:fs';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { sendPet } from '../../support/cli';
import { bmcAddress, killAgent, loopbackCluster, serverView, status } from '../../support/cluster';
import { Markers } from '../../support/markers';
import { startBmc, type SimBmc } from '../../support/ipmi-sim';
import { ip } from '../../support/isolation';

const BMC_PORT = 29344;
const TRAP_PORT = 29345;
const markers = new Markers();
const config = loopbackCluster({
  name: 'bmcfo',
  servers: 2,
  apiPort: 29341,
  lanPorts: [29342, 29343],
  bmcPort: BMC_PORT,
});
config.groups = [
  {
    name: 'failover1',
    resources: [markers.resource('failover1', 'app')],
  },
];
config.monitors = [
  {
    name: 'mrw1',
    type: 'message-receive',
    category: 'BMCNOTICE',
    perServer: {
      server1: { keyword: `${ip('127.0.0.1')}:${TRAP_PORT}` },
      server2: { keyword: `${ip('127.0.0.2')}:${TRAP_PORT}` },
    },
    recovery: { targetType: 'group', target: 'failover1', failoverThreshold: 1 },
  },
];
const env = { BMC_PW: 'secret' };
const agents: Record<string, RunningAgent> = {};
let bmcs: SimBmc[] = [];
const running = () => markers.running('failover1');
const marker = (server: string) => markers.read('failover1', server);

async function groupSeenBy(agent: RunningAgent) {
  return (await status(agent)).groups.find((g) => g.name === 'failover1')!;
}

beforeAll(async () => {
  bmcs = await Promise.all([1, 2].map((n) => startBmc({ address: bmcAddress(n), port: BMC_PORT, name: `bmc${n}` })));
  agents.server1 = await startAgent(config, 'server1', { env });
  agents.server2 = await startAgent(config, 'server2', { env });
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
  await Promise.all(bmcs.map((b) => b.stop()));
  for (const a of Object.values(agents)) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
  markers.dispose();
});

describe('BMC linkage: failover on a fatal hardware event and on a confirmed-down server', () => {
  test("a fatal PET from server1's BMC fails failover1 over to server2", async () => {
    await eventually(async () => (running().join() === 'server1' ? true : undefined), 10_000, 'failover1 on server1');
    await eventually(
      async () => ((await groupSeenBy(agents.server2)).currentServer === 'server1' ? true : undefined),
      5000,
      'server2 sees it'
    );
    const sent = Date.now();
    const r = sendPet(`${ip('127.0.0.1')}:${TRAP_PORT}`, bmcAddress(1));
    expect(r.code).toBe(0);
    await eventually(async () => (running().join() === 'server2' ? true : undefined), 10_000, 'failed over');
    // For the closing note: trap sent -> service started on the other server (includes CLI start-up).
    process.stdout.write(`[bmc-failover] trap -> running on server2 in ${Date.now() - sent} ms\n`);
    expect(marker('server2')).toBe('FAILOVER from=server1');
    // The move's outcome is logged once its last step answered, a moment after the script ran.
    const events = await eventually(
      async () => {
        const list = (await agents.server1.request('GET', '/api/v1/events?limit=20')).body.events as Array<{
          type: string;
          summary: string;
        }>;
        return list.some((e) => e.type === 'group-operation' && e.summary.startsWith('move ')) ? list : undefined;
      },
      5000,
      'the move logged'
    );
    const types = events.map((e) => e.type).reverse();
    // The order of what happened: the trap, the monitor, the recovery request, the ladder's step, the group.
    expect(types.indexOf('trap')).toBeLessThan(types.indexOf('recovery-request'));
    expect(types.indexOf('recovery-request')).toBeLessThan(types.indexOf('recovery'));
    expect(events.find((e) => e.type === 'recovery')!.summary).toBe(
      'recovery for mrw1 on server1: failover #1 of group failover1'
    );
    expect(events.find((e) => e.type === 'group-operation')!.summary).toMatch(
      /^move of group failover1 \(by recovery:mrw1\): done, now on server2/
    );
  });

  test('server2 powered off and killed: server1 takes failover1 over once server2 is offline-confirmed', async () => {
    await eventually(
      async () => ((await groupSeenBy(agents.server1)).currentServer === 'server2' ? true : undefined),
      5000,
      'server1 sees failover1 on server2'
    );
    bmcs[1].setPower('off');
    await killAgent(agents.server2);
    markers.remove('failover1', 'server2'); // the power is off: nothing runs there any more
    await eventually(async () => (running().join() === 'server1' ? true : undefined), 10_000, 'taken over');
    expect(marker('server1')).toBe('FAILOVER from=server2');
    // Under load the BMC reading may come a little after the takeover (which partition
    // resolution may also have allowed, presuming server2 down): wait for it.
    await eventually(
      async () => ((await serverView(agents.server1, 'server2')).state === 'offline-confirmed' ? true : undefined),
      8000,
      'server2 offline-confirmed'
    );
    // The marker is written by the start script, before the group is online (the script still has to exit).
    const g = await eventually(async () => {
      const seen = await groupSeenBy(agents.server1);
      return seen.state === 'starting' ? undefined : seen;
    }, 5000);
    expect(g).toMatchObject({ state: 'online', currentServer: 'server1' });
  });

  test('server1 killed with its power on: hung-or-partitioned, and server2 does not take over', async () => {
    bmcs[1].setPower('on');
    agents.server2 = await startAgent(config, 'server2', { env, dir: agents.server2.dir });
    await eventually(
      async () => ((await groupSeenBy(agents.server2)).currentServer === 'server1' ? true : undefined),
      10_000,
      'server2 back and sees failover1 on server1'
    );
    await killAgent(agents.server1);
    await eventually(
      async () => ((await serverView(agents.server2, 'server1')).state === 'hung-or-partitioned' ? true : undefined),
      8000,
      'server1 hung-or-partitioned'
    );
    // Several placement rounds (200 ms each) after the state change: still only server1's marker.
    await new Promise((r) => setTimeout(r, 1500));
    expect(running()).toEqual(['server1']);
    expect(await groupSeenBy(agents.server2)).toMatchObject({ state: 'unreachable', currentServer: 'server1' });
  });
});
