/**
 * Peer authority comes only from the token derived from the cluster secret. A configured
 * token named "peer" once reached the agent-to-agent endpoints whatever its role (a viewer
 * stopped a group and committed a configuration): such names are now refused wherever a
 * token is defined (configuration, token files, `lifeline token create`, PUT /config), and
 * the internal endpoints check the kind of principal, not its name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { peerToken } from '../../../backend/api/peer-token';
import { createToken } from '../../../backend/api/tokens';
import { eventually, expectRefusedStart, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline } from '../../support/cli';
import { loopbackCluster } from '../../support/cluster';
import { Markers } from '../../support/markers';

const markers = new Markers();

function clusterConfig(extra: object = {}) {
  return {
    ...loopbackCluster({ name: 'peers', servers: 1, apiPort: 29731, lanPorts: [29732] }),
    groups: [{ name: 'failover1', resources: [markers.resource('failover1')] }],
    ...extra,
  };
}

afterAll(() => markers.dispose());

describe('a token named "peer" is refused wherever tokens are defined', () => {
  test('in api.tokens: the agent does not start (exit 1) and names the path', async () => {
    const named = createToken('peer', 'viewer');
    await expectRefusedStart(
      clusterConfig({ api: { tokens: [named.entry] } }),
      /exited with 1[\s\S]*api\.tokens\[0\]\.name: "peer" is reserved for the agents of the cluster/
    );
  });

  test('in a token file: the agent does not start and names the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-peer-file-'));
    const file = path.join(dir, 'more-tokens.yaml');
    fs.writeFileSync(file, dump([createToken('grafana', 'viewer').entry, createToken('PEER', 'admin').entry]));
    await expectRefusedStart(
      clusterConfig({ api: { tokensFile: file } }),
      new RegExp(`exited with 1[\\s\\S]*token file ${file}: \\[1\\]\\.name: "PEER" is reserved`)
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('by lifeline token create: exit 2, no token printed', () => {
    const r = lifeline(['token', 'create', '--name', 'peer', '--role', 'viewer']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/--name: "peer" is reserved for the agents of the cluster/);
    expect(lifeline(['token', 'create', '--name', 'two words', '--role', 'viewer']).code).toBe(2);
    expect(lifeline(['token', 'create', '--name', 'grafana', '--role', 'viewer']).code).toBe(0);
  });
});

describe('a running agent', () => {
  let a: RunningAgent;
  beforeAll(async () => {
    a = await startAgent(clusterConfig(), 'server1');
    await eventually(() => (markers.running('failover1').length === 1 ? true : undefined), 10_000, 'failover1 online');
  });
  afterAll(async () => {
    await a?.stop();
  });

  test('PUT /config and validation refuse a token named "peer", with its path; nothing is applied', async () => {
    const current = (await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body;
    const bad = { ...current.config, api: { tokens: [createToken('peer', 'viewer').entry] } };
    const check = await a.request('POST', '/api/v1/config/validate', bad, a.tokens.viewer);
    expect(check.body.problems).toContainEqual({
      path: 'api.tokens[0].name',
      message: '"peer" is reserved for the agents of the cluster (the peer token); give the token another name',
    });
    const put = await a.request('PUT', '/api/v1/config', bad, a.tokens.admin, { 'If-Match': `"${current.revision}"` });
    expect(put.status).toBe(400);
    expect((await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body.revision).toBe(current.revision);
  });

  test('only the peer token derived from the cluster secret reaches /internal; an admin token does not', async () => {
    const peer = peerToken('test-cluster-secret');
    const step = { event: 'STOP', requestedBy: 'api:intruder' };
    const denied = await a.request('POST', '/api/v1/internal/groups/failover1/stop', step, a.tokens.admin);
    expect(denied).toMatchObject({ status: 403, body: { error: expect.stringMatching(/peer token/) } });
    expect(markers.running('failover1')).toEqual(['server1']);
    const abort = await a.request('POST', '/api/v1/internal/config/abort', { revision: 9, hash: 'a'.repeat(64) }, peer);
    expect(abort).toMatchObject({ status: 200, body: { aborted: true } });
    // Another secret's peer token is just a wrong token.
    expect((await a.request('GET', '/api/v1/status', undefined, peerToken('another-secret'))).status).toBe(401);
  });
});
