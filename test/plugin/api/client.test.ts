import { clusterStatus, configApplyAnswer, groupView, operationAnswer } from '../../../backend/api/answers';
import { AgentPool } from '../../../src/api/agents';
import { ClusterClient } from '../../../src/api/client';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { fakeFetch, type Handler } from '../support/fake-fetch';

function setup(agents: Handler[], deadMs = 15_000) {
  let now = 1_000_000;
  const pool = new AgentPool(
    agents.map((_, i) => `http://127.0.0.${i + 1}:29011`),
    deadMs,
    () => now
  );
  const f = fakeFetch(agents);
  const client = new ClusterClient(pool, { fetch: f.fetch, readTimeoutMs: 50, writeTimeoutMs: 50 });
  return { pool, client, calls: f.calls, advance: (ms: number) => (now += ms) };
}

describe('ClusterClient reads', () => {
  test('a refused agent is skipped, marked dead, and the agent that answered is asked first next time', async () => {
    const state = clusterState();
    const { client, pool, calls } = setup([() => 'refuse', fakeAgent(state, 'server2')]);
    const first = await client.get('/status', clusterStatus);
    expect(first.agent).toBe(1);
    expect(first.data.self).toBe('server2');
    expect(pool.isDead(0)).toBe(true);
    calls.length = 0;
    await client.get('/status', clusterStatus);
    expect(calls.map((c) => c.agent)).toEqual([1]);
  });

  test('a timeout fails over (per-attempt AbortController), and so does a 5xx from the proxy', async () => {
    const state = clusterState();
    const hang: Handler = () => 'hang';
    const bad: Handler = () => ({ status: 502, body: { message: 'Bad Gateway' } });
    const { client, calls } = setup([hang, bad, fakeAgent(state, 'server2')]);
    const r = await client.get('/status', clusterStatus);
    expect(r.agent).toBe(2);
    expect(calls.map((c) => c.agent)).toEqual([0, 1, 2]);
  });

  test('a dead agent is tried again after its dead time, and last while it is dead', async () => {
    const state = clusterState();
    const down = [true, false];
    const agent =
      (i: number): Handler =>
      (req) =>
        down[i] ? 'refuse' : fakeAgent(state, `server${i + 1}`)(req);
    const { client, pool, advance } = setup([agent(0), agent(1)], 1000);
    expect(pool.order()).toEqual([0, 1]);
    await client.get('/status', clusterStatus);
    expect(pool.order()).toEqual([1, 0]);
    down[0] = false;
    advance(1001);
    expect(pool.isDead(0)).toBe(false);
    // The last good agent still comes first; agent 1 is back in the rotation behind it.
    expect(pool.order()).toEqual([1, 0]);
    down[1] = true;
    expect((await client.get('/status', clusterStatus)).data.self).toBe('server1');
    expect(pool.order()).toEqual([0, 1]);
  });

  test('a 4xx is the answer of every agent: no failover', async () => {
    const forbidden: Handler = () => ({ status: 403, body: { message: 'Permission denied' } });
    const { client, calls } = setup([forbidden, forbidden]);
    await expect(client.get('/status', clusterStatus)).rejects.toMatchObject({ kind: 'refused', status: 403 });
    expect(calls).toHaveLength(1);
  });

  test('every agent down: unreachable, naming each failure', async () => {
    const { client } = setup([() => 'refuse', () => ({ status: 503, body: { error: 'not ready' } })]);
    await expect(client.get('/status', clusterStatus)).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/agent 1: Failed to fetch; agent 2: 503 not ready/),
    });
  });

  test('an answer that is not the schema is tried elsewhere without marking the agent dead', async () => {
    const state = clusterState();
    const html: Handler = () => ({ status: 200, body: '<html>login</html>' });
    const { client, pool } = setup([html, fakeAgent(state, 'server2')]);
    const r = await client.get('/status', clusterStatus);
    expect(r.agent).toBe(1);
    expect(pool.isDead(0)).toBe(false);
  });

  test('If-None-Match with the last ETag; a 304 gives the previous data, the same object', async () => {
    const state = clusterState();
    let second = false;
    const agent: Handler = (req) => (second ? { status: 304 } : fakeAgent(state)(req));
    const { client, calls } = setup([agent]);
    const a = await client.get('/status', clusterStatus);
    second = true;
    const b = await client.get('/status', clusterStatus);
    expect(calls[1].headers['If-None-Match']).toBe(a.etag);
    expect(b.notModified).toBe(true);
    expect(b.data).toBe(a.data);
  });
});

describe('ClusterClient changes', () => {
  const reread = (client: ClusterClient) => async () => (await client.get('/groups/failover1', groupView)).data;

  test('a lost answer to a POST is not sent again: the group is read again through another agent', async () => {
    const state = clusterState();
    const lost: Handler = (req) => (req.method === 'POST' ? 'hang' : fakeAgent(state)(req));
    const { client, calls, pool } = setup([lost, fakeAgent(state, 'server2')]);
    const r = await client.mutate(
      'operator',
      '/groups/failover1/move',
      { server: 'server2' },
      operationAnswer,
      reread(client)
    );
    expect(r.kind).toBe('unknown');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(pool.isDead(0)).toBe(true);
    if (r.kind === 'unknown') {
      expect(r.state?.name).toBe('failover1');
      expect(r.error.kind).toBe('unknown-outcome');
    }
    expect(calls.map((c) => `${c.method} ${c.agent} ${c.role}`)).toEqual(['POST 0 operator', 'GET 1 viewer']);
  });

  test('a refused connection on a POST is not retried elsewhere either', async () => {
    const state = clusterState();
    const { client, calls } = setup([() => 'refuse', fakeAgent(state, 'server2')]);
    const r = await client.mutate('operator', '/groups/failover1/stop', {}, operationAnswer, reread(client));
    expect(r.kind).toBe('unknown');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.agent)).toEqual([0]);
  });

  test("the agent's own refusal (409, 503 with its reason) is an answer: nothing to re-read", async () => {
    const partition: Handler = () => ({ status: 503, body: { error: 'this side lost the partition' } });
    const { client, calls, pool } = setup([partition, partition]);
    const r = await client.mutate('operator', '/groups/failover1/start', {}, operationAnswer, reread(client));
    expect(r).toMatchObject({
      kind: 'refused',
      error: { kind: 'refused', status: 503, message: expect.stringMatching(/lost the partition/) },
    });
    expect(calls).toHaveLength(1);
    expect(pool.isDead(0)).toBe(false);
  });

  test('a done operation returns the outcome with its steps', async () => {
    const state = clusterState();
    const { client, calls } = setup([fakeAgent(state)]);
    const r = await client.mutate(
      'operator',
      '/groups/failover1/move',
      { server: 'server2' },
      operationAnswer,
      reread(client)
    );
    expect(r).toMatchObject({ kind: 'done', data: { ok: true, server: 'server2', done: true } });
    expect(calls[0]).toMatchObject({ role: 'operator', body: { server: 'server2' } });
  });

  test('PUT /config carries If-Match and fails over (a second apply of the same base is refused, never doubled)', async () => {
    const seen: Array<string | undefined> = [];
    const ok: Handler = (req) => {
      seen.push(req.headers['If-Match']);
      return { body: { revision: 8, hash: 'a'.repeat(64), committed: ['server1', 'server2'], unreachable: [] } };
    };
    const { client } = setup([() => 'refuse', ok]);
    const r = await client.putConfig({ cluster: {} }, 7, configApplyAnswer);
    expect(r).toMatchObject({ kind: 'done', agent: 1, data: { revision: 8 } });
    expect(seen).toEqual(['"7"']);
  });

  test('a 409 after a lost PUT says so (the change may be ours)', async () => {
    const stale: Handler = () => ({ status: 409, body: { error: 'revision 7 is not the current one (8)' } });
    const { client } = setup([() => ({ status: 504 }), stale]);
    const r = await client.putConfig({}, 7, configApplyAnswer);
    expect(r).toMatchObject({ kind: 'refused', afterLost: true, error: { status: 409 } });
  });
});
