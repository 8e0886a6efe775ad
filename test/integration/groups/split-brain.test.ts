/**
 * Split-brain protection with two real agents and two simulated BMCs (ipmi_sim): what a
 * silent peer becomes depends on the partition rules and fencing.
 *   leaving cleanly (SIGTERM)          -> no partition: the other side keeps working
 *   SIGKILL, power on, no fencing      -> a tie, the master is on the other side: server2
 *                                         loses, stops its groups, starts nothing until healed
 *   SIGKILL, power on, fencing         -> a fence race: server2 powers server1 off through its
 *                                         BMC (confirmed), then takes its group over
 */
import fs from 'node:fs';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline } from '../../support/cli';
import { bmcAddress, killAgent, loopbackCluster, status } from '../../support/cluster';
import { Markers } from '../../support/markers';
import { startBmc, type SimBmc } from '../../support/ipmi-sim';

const BMC_PORT = 29354;
const markers = new Markers();
const env = { BMC_PW: 'secret' };

function cluster(fencing: boolean) {
  const c = loopbackCluster({ name: 'split', servers: 2, apiPort: 29351, lanPorts: [29352, 29353], bmcPort: BMC_PORT });
  c.groups = [
    { name: 'web', resources: [markers.resource('web')] },
    { name: 'db', startupServers: ['server2', 'server1'], resources: [markers.resource('db')] },
  ];
  if (fencing) {
    c.fencing = { action: 'bmc-power-off', delay: { policy: 'priority', baseMs: 300 }, timeoutMs: 5000, retries: 1 };
  }
  return c;
}

let bmcs: SimBmc[] = [];
const agents: Record<string, RunningAgent> = {};
const running = (group: string) => markers.running(group);
const groupView = async (a: RunningAgent, name: string) => (await status(a)).groups.find((g) => g.name === name)!;
const partitionEvents = async (a: RunningAgent) =>
  ((await a.request('GET', '/api/v1/events?type=partition&limit=20')).body.events as Array<{ summary: string }>)
    .map((e) => e.summary)
    .reverse();

async function startBoth(config: object) {
  // Together, as a cluster starts (one after the other, a loaded machine may start the
  // second after the first's timeout, and db would start on server1).
  const [a1, a2] = await Promise.all(
    ['server1', 'server2'].map((s) => startAgent(config, s, { env, dir: agents[s]?.dir }))
  );
  agents.server1 = a1;
  agents.server2 = a2;
  await eventually(
    async () => (running('web').join() === 'server1' && running('db').join() === 'server2' ? true : undefined),
    10_000,
    'web on server1, db on server2'
  );
}

async function stopBoth() {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
}

beforeEach(async () => {
  await stopBoth();
  markers.clear();
});

beforeAll(async () => {
  bmcs = await Promise.all([1, 2].map((n) => startBmc({ address: bmcAddress(n), port: BMC_PORT, name: `bmc${n}` })));
}, 60_000);

afterAll(async () => {
  await stopBoth();
  await Promise.all(bmcs.map((b) => b.stop()));
  for (const a of Object.values(agents)) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
  markers.dispose();
});

describe('split-brain protection', () => {
  test('an agent that leaves cleanly moves its groups to the other side; not a partition', async () => {
    await startBoth(cluster(false));
    await agents.server1.stop();
    expect(running('web')).toEqual(['server2']); // moved before the agent went away
    await eventually(
      async () => ((await status(agents.server2)).servers[0].state !== 'online' ? true : undefined),
      5000,
      'server1 silent'
    );
    await new Promise((r) => setTimeout(r, 600)); // a few placement rounds
    expect(await partitionEvents(agents.server2)).toEqual([]);
    expect(running('db')).toEqual(['server2']);
    const r = lifeline([
      'group',
      'stop',
      'web',
      '--url',
      agents.server2.url,
      '--token',
      agents.server2.tokens.operator,
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' }); // server2 decides alone: its peer left
    expect(running('web')).toEqual([]);
    await stopBoth();
  });

  test('killed master, power on, no fencing: server2 loses the tie, stops its groups, and starts nothing until healed', async () => {
    await startBoth(cluster(false));
    await killAgent(agents.server1);
    await eventually(async () => (running('db').length === 0 ? true : undefined), 8000, 'server2 stopped db');
    const events = await partitionEvents(agents.server2);
    expect(events[0]).toBe(
      'partition resolution: lose; server1 silent: a tie (1 of 2 servers): the master server server1 is on the other side'
    );
    const r = lifeline([
      'group',
      'start',
      'db',
      '--url',
      agents.server2.url,
      '--token',
      agents.server2.tokens.operator,
    ]);
    expect(r.code).toBe(3); // refused: 503
    expect(r.stderr).toContain('this server lost the partition resolution');
    expect(running('web')).toEqual(['server1']); // the killed agent's resources: nobody touched them
    markers.remove('web', 'server1');

    // server1 comes back: healed; the group left by its previous run is released, then placed again.
    agents.server1 = await startAgent(cluster(false), 'server1', { env, dir: agents.server1.dir });
    await eventually(
      async () =>
        (await partitionEvents(agents.server2)).some((e) => e.includes('partition healed')) ? true : undefined,
      8000,
      'healed'
    );
    // db was stopped by the loss, not by anyone's request: it starts again by itself, and
    // web, released by server1's restart, too.
    await eventually(
      async () => (running('db').join() === 'server2' && running('web').join() === 'server1' ? true : undefined),
      10_000,
      'db and web running again'
    );
    await stopBoth();
  });

  test('killed master, power on, fencing: server2 fences server1 through its BMC, then takes web over', async () => {
    await startBoth(cluster(true));
    await eventually(
      async () => ((await groupView(agents.server2, 'web')).currentServer === 'server1' ? true : undefined),
      5000,
      'server2 sees web on server1'
    );
    await killAgent(agents.server1);
    await eventually(async () => (bmcs[0].power() === 'off' ? true : undefined), 10_000, "server1's chassis off");
    markers.remove('web', 'server1'); // powered off: nothing runs there any more
    await eventually(async () => (running('web').join() === 'server2' ? true : undefined), 10_000, 'web taken over');
    // The state directories carry the earlier tests' events: the last two are this test's.
    const events = (await partitionEvents(agents.server2)).slice(-2);
    expect(events).toEqual([
      'partition resolution: fence-race; server1 silent: a tie (1 of 2 servers): settled by fencing',
      'server1 fenced (power-off, confirmed by its BMC): its groups may start elsewhere',
    ]);
    expect(running('db')).toEqual(['server2']);
    bmcs[0].setPower('on');
  });
});
