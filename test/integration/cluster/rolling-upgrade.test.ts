/**
 * A rolling upgrade with real agents of two versions: version N is the last release before
 * heartbeat version 2 and deciding (commit PREVIOUS of this repository's history, built from
 * `git archive` into a temporary directory), version N+1 is this build.
 *
 *   server1 on N, server2 on N+1 -> each sees the other online (N+1 answers N in heartbeat
 *                                   version 1), the group runs once; a move through either
 *                                   agent works (N coordinates its own requests, N+1 decides
 *                                   the others: N agents do not decide)
 *   server1 upgraded to N+1       -> both speak the newest version (3); the group still runs once
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline } from '../../support/cli';
import { loopbackCluster, status } from '../../support/cluster';
import { tempDir } from '../../support/isolation';
import { Markers } from '../../support/markers';
import { ROOT } from '../../support/paths';

/** The previous release: main before the safety redesign (heartbeat version 1, no decider). */
const PREVIOUS = '32b635c';

const markers = new Markers();
const config = loopbackCluster({ name: 'upgrade', servers: 2, apiPort: 29381, lanPorts: [29382, 29383] });
config.groups = [{ name: 'web', resources: [markers.resource('web')] }];
const agents: Record<string, RunningAgent> = {};
let oldCli: string[] = [];
const oldDir = tempDir('lifeline-previous-');

const cli = (agent: RunningAgent, args: string[]) =>
  lifeline([...args, '--url', agent.url, '--token', agent.tokens.operator]);
const states = async (a: RunningAgent) => (await status(a)).servers.map((s) => `${s.name}:${s.state}`);

beforeAll(() => {
  // Version N, built the way its own package.json builds it, against this checkout's modules.
  execFileSync('sh', [
    '-c',
    'git -C "$1" archive --format=tar "$2" backend package.json | tar -x -C "$3"',
    'sh',
    ROOT,
    PREVIOUS,
    oldDir,
  ]);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(oldDir, 'node_modules'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'backend/tsconfig.json'], {
    cwd: oldDir,
    stdio: 'pipe',
  });
  oldCli = [process.execPath, path.join(oldDir, 'build/backend/cli/main.js')];
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
  for (const a of Object.values(agents)) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
  markers.dispose();
});

test('version N and N+1 run together: both online, the group once, moves through either agent', async () => {
  const [a1, a2] = await Promise.all([
    startAgent(config, 'server1', { command: oldCli }),
    startAgent(config, 'server2'),
  ]);
  agents.server1 = a1;
  agents.server2 = a2;
  await eventually(
    async () => ((await states(a2)).join() === 'server1:online,server2:online' ? true : undefined),
    10_000,
    'N+1 sees N online'
  );
  await eventually(
    async () => ((await states(a1)).join() === 'server1:online,server2:online' ? true : undefined),
    10_000,
    'N sees N+1 online'
  );
  await eventually(async () => (markers.running('web').join() === 'server1' ? true : undefined), 10_000, 'web once');
  // N refused only the few version-2 packets sent before N+1 heard it.
  const metrics = (await a1.request('GET', '/metrics', undefined, a1.tokens.viewer)).body as string;
  expect(metricValue(metrics, 'lifeline_heartbeat_packets_total', { result: 'malformed' }) ?? 0).toBeLessThan(20);

  expect(cli(a2, ['group', 'move', 'web', '--server', 'server2']).code).toBe(0); // decided by N+1
  expect(markers.running('web')).toEqual(['server2']);
  expect(cli(a1, ['group', 'move', 'web', '--server', 'server1']).code).toBe(0); // coordinated by N
  expect(markers.running('web')).toEqual(['server1']);
});

test('server1 upgraded to N+1: both speak the newest version, the group still runs once', async () => {
  await agents.server1.stop(); // N stops its groups; N+1 sees it leave
  agents.server1 = await startAgent(config, 'server1', { dir: agents.server1.dir });
  await eventually(
    async () => ((await states(agents.server1)).join() === 'server1:online,server2:online' ? true : undefined),
    10_000,
    'both online'
  );
  await eventually(async () => (markers.running('web').length === 1 ? true : undefined), 10_000, 'web runs');
  expect(
    cli(agents.server2, [
      'group',
      'move',
      'web',
      '--server',
      markers.running('web')[0] === 'server1' ? 'server2' : 'server1',
    ]).code
  ).toBe(0);
  expect(markers.running('web')).toHaveLength(1);
  const metrics = (await agents.server1.request('GET', '/metrics', undefined, agents.server1.tokens.viewer))
    .body as string;
  expect(metricValue(metrics, 'lifeline_heartbeat_packets_total', { result: 'malformed' }) ?? 0).toBe(0);
});
