/**
 * What a resource script can learn about the agent's secrets, for real: the scripts read the
 * agent's /proc/PID/environ (their parent) and the credentials directory, and write what they
 * found to files this test reads. Secrets from systemd credentials never enter the agent's
 * environment; a script run as another user (groups[].resources[].user) cannot read the
 * agent's environment at all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { peerToken } from '../../../backend/api/peer-token';
import { eventually, expectRefusedStart, startAgent } from '../../support/agent';
import { loopbackCluster } from '../../support/cluster';

const SECRET = 'test-cluster-secret';

const base = loopbackCluster({ name: 'scripts', servers: 1, apiPort: 29741, lanPorts: [29742] });

function clusterConfig(secret: object, resource: object) {
  return {
    ...base,
    cluster: { ...base.cluster, secret },
    groups: [
      { name: 'failover1', resources: [{ name: 'spy', type: 'exec', stop: 'true', timeoutMs: 5000, ...resource }] },
    ],
  };
}

/** A start script that reports what it can see of its parent, the agent. */
function spy(out: string): string {
  return [
    `id -un > ${out}/user`,
    `echo "$HOME" > ${out}/home`,
    `echo "\${CREDENTIALS_DIRECTORY:-unset}" > ${out}/credentials`,
    `if tr '\\0' '\\n' < /proc/$PPID/environ > ${out}/environ 2>/dev/null; then echo readable; else echo denied; fi > ${out}/environ-access`,
  ].join('; ');
}

let out: string;
beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-spy-'));
  fs.chmodSync(out, 0o777); // the script may run as nobody
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8').trim();
const reported = () =>
  // Non-empty, not just there: the shell creates the file before `echo` writes into it.
  eventually(
    () => (fs.existsSync(path.join(out, 'environ-access')) && read('environ-access') !== '' ? true : undefined),
    10_000,
    'the spy script'
  );

test('a secret from a systemd credential is not in the agent environment, nor the credentials directory in the script', async () => {
  const creds = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-creds-'));
  fs.writeFileSync(path.join(creds, 'cluster-secret'), `${SECRET}\n`, { mode: 0o600 });
  const a = await startAgent(clusterConfig({ credential: 'cluster-secret' }, { start: spy(out) }), 'server1', {
    env: { LIFELINE_CLUSTER_SECRET: undefined, CREDENTIALS_DIRECTORY: creds },
  });
  try {
    await reported();
    expect(read('environ-access')).toBe('readable'); // same user: the environment is readable...
    expect(read('environ')).toContain(`CREDENTIALS_DIRECTORY=${creds}`);
    expect(read('environ')).not.toContain(SECRET); // ...and holds no secret
    expect(read('credentials')).toBe('unset');
    // The agent did read the secret: its peer token is derived from it.
    const abort = await a.request(
      'POST',
      '/api/v1/internal/config/abort',
      { revision: 9, hash: 'a'.repeat(64) },
      peerToken(SECRET)
    );
    expect(abort.status).toBe(200);
  } finally {
    await a.stop();
    fs.rmSync(creds, { recursive: true, force: true });
  }
});

test('a script run as another user cannot read the agent environment, where an {env} secret lives', async () => {
  const a = await startAgent(
    clusterConfig({ env: 'LIFELINE_CLUSTER_SECRET' }, { start: spy(out), user: 'nobody' }),
    'server1'
  );
  try {
    await reported();
    expect(read('user')).toBe('nobody');
    expect(read('home')).toBe('/nonexistent'); // nobody's, from the user database
    expect(read('environ-access')).toBe('denied');
    expect(a.logs()).toMatch(/secrets read from environment variables stay readable in \/proc\/PID\/environ/);
  } finally {
    await a.stop();
  }
});

test('an unknown script user stops the agent at start with the path of the setting', async () => {
  await expectRefusedStart(
    clusterConfig({ env: 'LIFELINE_CLUSTER_SECRET' }, { start: 'true', user: 'no-such-user' }),
    /exited with 1[\s\S]*groups\[0\]\.resources\[0\]\.user: there is no user "no-such-user" on this server/
  );
});
