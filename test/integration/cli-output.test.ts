/**
 * The operator's command line against a real agent: output into a pipe that closes early
 * (`lifeline status | head -1`), exit codes in --help, a header on every table, events in
 * the documented order (oldest first, the newest last).
 */
import { spawnSync } from 'node:child_process';
import { startAgent, type RunningAgent } from '../support/agent';
import { lifeline } from '../support/cli';
import { loopbackCluster } from '../support/cluster';
import { CLI } from '../support/paths';

const config = loopbackCluster({ name: 'cli', servers: 1, apiPort: 29131, lanPorts: [29132], groups: ['g1'] });
config.monitors = [{ name: 'appw', type: 'message-receive', category: 'APPNOTICE', keyword: 'db' }];

let agent: RunningAgent;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  agent = await startAgent(config, 'server1');
  env = { LIFELINE_URL: agent.url, LIFELINE_TOKEN: agent.tokens.operator };
});
afterAll(() => agent?.stop());

/** Runs `lifeline ARGS | READER` in bash; the exit code is lifeline's (PIPESTATUS[0]). */
function piped(args: string, reader: string) {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" ${args} | ${reader}; exit "\${PIPESTATUS[0]}"`], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('output into a pipe whose reader goes away', () => {
  test('lifeline status | head -1 prints the first line and ends quietly with the status exit code', () => {
    const r = piped('status', 'head -1');
    expect(r).toEqual({ code: 0, stdout: expect.stringMatching(/^Cluster cli, seen from server1: .*\n$/), stderr: '' });
  });

  test('a reader that reads nothing (head -c 0, gone before the first write) causes no EPIPE trace', () => {
    for (const args of ['status', 'config schema', 'events --limit 100']) {
      const r = piped(args, 'head -c 0');
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });
});

test('--help lists every exit code, 7 included', () => {
  const help = lifeline(['--help']).stdout.replace(/\s+/g, ' ');
  for (const code of [
    '0 ok',
    '1 invalid input',
    '2 usage error',
    '3 agent unavailable',
    '4 access denied',
    '5 conflict',
    '6 (status) something needs attention',
    '7 a group operation was carried out and failed',
  ]) {
    expect(help).toContain(code);
  }
});

test('every table has a header line', async () => {
  await agent.request('POST', '/api/v1/notify', { category: 'APPNOTICE', keyword: 'db' }, agent.tokens.operator);
  const first = (args: string[]) => lifeline(args, { env }).stdout.split('\n')[0];
  expect(first(['group', 'list'])).toMatch(/^GROUP +STATE +CURRENT +STARTUP SERVERS +OPERATION$/);
  expect(first(['monitor', 'list'])).toMatch(/^MONITOR +SERVER +STATUS +REASON$/);
  expect(first(['events'])).toMatch(/^TIME +ID +CLASS +SERVER +TYPE +SUMMARY$/);
  expect(first(['config', 'history'])).toMatch(/^REVISION +HASH +APPLIED +SOURCE$/);
  expect(lifeline(['status'], { env }).stdout).toMatch(/^SERVER +STATE +SINCE +lan0 +POWER +REASON$/m);
});

test('events are printed oldest first: the newest is the last line (where --follow goes on)', async () => {
  for (const message of ['first', 'second', 'third']) {
    await agent.request(
      'POST',
      '/api/v1/notify',
      { category: 'APPNOTICE', keyword: 'db', message },
      agent.tokens.operator
    );
    await new Promise((r) => setTimeout(r, 5)); // distinct milliseconds
  }
  const lines = lifeline(['events', '--type', 'notify', '--limit', '3'], { env }).stdout.trim().split('\n');
  expect(lines).toHaveLength(4);
  const times = lines.slice(1).map((l) => Date.parse(l.split(' ')[0]));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(lines.slice(1).map((l) => /: (first|second|third)$/.exec(l)?.[1])).toEqual(['first', 'second', 'third']);
});
