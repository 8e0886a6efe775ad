// The exec driver against the real /bin/sh: environment, exit codes, timeouts that kill
// the whole process group, and start scripts that leave a daemon behind.
import fs from 'node:fs';
import path from 'node:path';
import { ExecDriver } from '../../../backend/groups/resources/exec';
import { withoutSecrets } from '../../../backend/config/secrets';
import type { Resource } from '../../../backend/config/model';
import { tempDir } from '../../support/isolation';

type Exec = Extract<Resource, { type: 'exec' }>;
const dir = tempDir('lifeline-exec-');
const ctx = { group: 'web', server: 'server1', event: 'START' as const };
const pids: number[] = [];
const driver = new ExecDriver({ baseEnv: { PATH: process.env.PATH, KEPT: 'yes' }, onSpawn: (p) => pids.push(p) });
const res = (over: Partial<Exec>): Exec => ({
  name: 'app',
  type: 'exec',
  start: 'true',
  stop: 'true',
  env: {},
  timeoutMs: 5000,
  dependsOn: [],
  ...over,
});
/** Running (a zombie is dead: where no init reaps orphans, it lingers in the process table). */
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
};

afterAll(() => {
  for (const p of pids) {
    try {
      process.kill(-p, 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('scripts see the group context, their own variables and the base environment', async () => {
  const out = path.join(dir, 'env');
  const r = await driver.run(res({ start: `env > ${out}`, env: { APP_PORT: '8080' } }), 'start', {
    ...ctx,
    event: 'MOVE',
    from: 'server2',
  });
  expect(r.ok).toBe(true);
  const env = fs.readFileSync(out, 'utf8');
  for (const line of [
    'LIFELINE_GROUP=web',
    'LIFELINE_RESOURCE=app',
    'LIFELINE_SERVER=server1',
    'LIFELINE_ACTION=start',
    'LIFELINE_EVENT=MOVE',
    'LIFELINE_FROM=server2',
    'APP_PORT=8080',
    'KEPT=yes',
  ]) {
    expect(env.split('\n')).toContain(line);
  }
});

test('the agent’s secrets are not passed on', () => {
  const config = {
    cluster: { secret: { env: 'CLUSTER_KEY' } },
    servers: [{ bmc: { password: { env: 'BMC_PW' } } }, {}],
    traps: { users: [{ authKey: { env: 'SNMP_AUTH' }, privKey: { file: '/x' } }] },
  } as never;
  const env = withoutSecrets(config, { CLUSTER_KEY: 'a', BMC_PW: 'b', SNMP_AUTH: 'c', PATH: '/bin' });
  expect(env).toEqual({ PATH: '/bin' });
});

test('a non-zero exit fails, with the tail of the output', async () => {
  const r = await driver.run(res({ stop: 'echo cleaning; echo "disk busy" >&2; exit 3' }), 'stop', ctx);
  expect(r).toMatchObject({ ok: false, detail: 'exit 3: cleaning | disk busy' });
});

test('a start that leaves a daemon holding the pipes completes when the script exits', async () => {
  const pidFile = path.join(dir, 'daemon.pid');
  const r = await driver.run(res({ start: `sleep 30 & echo $! > ${pidFile}; echo started` }), 'start', ctx);
  expect(r).toMatchObject({ ok: true, detail: 'exit 0: started' });
  const daemon = Number(fs.readFileSync(pidFile, 'utf8'));
  expect(alive(daemon)).toBe(true); // a started service keeps running
  process.kill(daemon, 'SIGKILL');
});

test('a timeout kills the script and everything it started', async () => {
  const pidFile = path.join(dir, 'stuck.pid');
  const r = await driver.run(res({ start: `sleep 60 & echo $! > ${pidFile}; wait`, timeoutMs: 300 }), 'start', ctx);
  expect(r.ok).toBe(false);
  expect(r.detail).toMatch(/^timed out after 300 ms \(process group killed\)/);
  const child = Number(fs.readFileSync(pidFile, 'utf8'));
  // TERM reaches the whole group; allow the kernel a moment to reap.
  for (let i = 0; i < 50 && alive(child); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(alive(child)).toBe(false);
});
