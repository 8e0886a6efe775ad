/**
 * A recovery ladder's final actions with two real agents and two ipmi_sim BMCs:
 *   bmc-power-off (group target, no failover left): the group is stopped, then the server's
 *     own BMC powers the chassis off
 *   stop-cluster-service (local-server target): the agent moves its groups away and exits 0
 */
import fs from 'node:fs';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline } from '../../support/cli';
import { bmcAddress, loopbackCluster } from '../../support/cluster';
import { Markers } from '../../support/markers';
import { startBmc, type SimBmc } from '../../support/ipmi-sim';

const BMC_PORT = 29364;
const markers = new Markers();
const config = loopbackCluster({
  name: 'final',
  servers: 2,
  apiPort: 29361,
  lanPorts: [29362, 29363],
  bmcPort: BMC_PORT,
});
config.groups = [
  { name: 'web', resources: [markers.resource('web')] },
  { name: 'db', startupServers: ['server2', 'server1'], resources: [markers.resource('db')] },
];
config.monitors = [
  {
    name: 'hw',
    type: 'message-receive',
    category: 'APPNOTICE',
    keyword: 'hw',
    recovery: { targetType: 'group', target: 'web', failoverThreshold: 0, finalAction: 'bmc-power-off' },
  },
  {
    name: 'svc',
    type: 'message-receive',
    category: 'APPNOTICE',
    keyword: 'svc',
    recovery: { targetType: 'local-server', finalAction: 'stop-cluster-service' },
  },
];
const env = { BMC_PW: 'secret' };
const agents: Record<string, RunningAgent> = {};
let bmcs: SimBmc[] = [];
const running = () => markers.all();
const notify = (a: RunningAgent, keyword: string) =>
  lifeline(['notify', '--category', 'APPNOTICE', '--keyword', keyword, '--url', a.url, '--token', a.tokens.operator]);
const recoveryEvents = async (a: RunningAgent) =>
  ((await a.request('GET', '/api/v1/events?type=recovery')).body.events as Array<{ summary: string }>).map(
    (e) => e.summary
  );

beforeAll(async () => {
  bmcs = await Promise.all([1, 2].map((n) => startBmc({ address: bmcAddress(n), port: BMC_PORT, name: `bmc${n}` })));
  // Together, as a cluster starts: started one after the other on a loaded machine, the
  // second may come up after the first's timeout, and db (server2 first) would start on server1.
  const [a1, a2] = await Promise.all(['server1', 'server2'].map((s) => startAgent(config, s, { env })));
  agents.server1 = a1;
  agents.server2 = a2;
  await eventually(async () => (running().join() === 'db.server2,web.server1' ? true : undefined), 10_000, 'placed');
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
  await Promise.all(bmcs.map((b) => b.stop()));
  for (const a of Object.values(agents)) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
  markers.dispose();
});

test('bmc-power-off: the group is stopped, then the server powers itself off through its own BMC', async () => {
  expect(bmcs[0].power()).toBe('on');
  expect(notify(agents.server1, 'hw').code).toBe(0);
  await eventually(async () => (bmcs[0].power() === 'off' ? true : undefined), 10_000, "server1's chassis off");
  expect(running()).toEqual(['db.server2']);
  expect(await recoveryEvents(agents.server1)).toContain(
    'recovery for hw on server1: final action bmc-power-off of group web'
  );
  expect(bmcs[1].power()).toBe('on');
  bmcs[0].setPower('on');
});

test('stop-cluster-service: the agent moves its groups away and exits 0', async () => {
  const exited = new Promise<number | null>((r) => agents.server2.child.once('exit', (code) => r(code)));
  expect(notify(agents.server2, 'svc').code).toBe(0);
  expect(await exited).toBe(0);
  expect(running()).toEqual(['db.server1']); // a clean stop: db moved to its next startup server
  expect(agents.server2.logs()).toContain('recovery final action stop-cluster-service');
});
