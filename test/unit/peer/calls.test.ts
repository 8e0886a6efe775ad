/**
 * The typed calls over a real loopback server: what each failure becomes for its caller
 * (a refusal, a peer left out, a failed step) and the reason it carries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterConfig } from '../../../backend/config/model';
import { PeerClient } from '../../../backend/peer/client';
import { broadcastConfirmDown, fetchPeerEvents } from '../../../backend/peer/cluster-calls';
import { httpPeerTransport } from '../../../backend/peer/config-calls';
import type { PeerFailure } from '../../../backend/peer/failure';
import { httpGroupTransport } from '../../../backend/peer/group-calls';
import { ip } from '../../support/isolation';

const HOST = ip('127.0.0.1');
const PROPOSAL = { base: 1, revision: 2, hash: 'a'.repeat(64), config: {}, coordinator: 'server1' };
const servers: http.Server[] = [];

function config(peers: Record<string, number>): ClusterConfig {
  return {
    api: { tls: false },
    groups: [],
    servers: Object.entries(peers).map(([name, port]) => ({ name, api: { address: HOST, port } })),
  } as unknown as ClusterConfig;
}

async function answering(status: number, body: string): Promise<number> {
  const server = http.createServer((_req, res) => res.writeHead(status).end(body));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (in this file's own loopback block). */
async function closedPort(): Promise<number> {
  const port = await answering(200, '{}');
  await new Promise((resolve) => servers.pop()!.close(resolve));
  return port;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('configuration exchange', () => {
  test("a peer's refusal keeps its reason and conflict flag", async () => {
    const port = await answering(409, '{"ok":false,"reason":"another change is in progress","conflict":true}');
    const t = httpPeerTransport(new PeerClient(() => config({ server2: port }), 't'));
    expect(await t.prepare('server2', PROPOSAL)).toEqual({
      ok: false,
      reason: 'another change is in progress',
      conflict: true,
    });
  });

  test('an error without a reason: its status, and not a conflict', async () => {
    const port = await answering(503, 'down for maintenance');
    const t = httpPeerTransport(new PeerClient(() => config({ server2: port }), 't'));
    expect(await t.prepare('server2', PROPOSAL)).toEqual({ ok: false, reason: 'HTTP 503', conflict: false });
  });

  test('a 200 that is not "prepared" is a refusal, not a prepared peer', async () => {
    const port = await answering(200, '{"prepared":"maybe"}');
    const t = httpPeerTransport(new PeerClient(() => config({ server2: port }), 't'));
    const answer = await t.prepare('server2', PROPOSAL);
    expect(answer).toMatchObject({ ok: false, conflict: false });
    expect(answer?.ok === false && answer.reason).toMatch(/^gave a bad answer \(not the expected answer/);
  });

  test('an unreachable peer is left out, and the reason is logged', async () => {
    const logged: Array<[string, string, PeerFailure]> = [];
    const port = await closedPort();
    const t = httpPeerTransport(new PeerClient(() => config({ server2: port }), 't'), 3000, (...a) => logged.push(a));
    expect(await t.prepare('server2', PROPOSAL)).toBeUndefined();
    expect(await t.commit('server2', 2, PROPOSAL.hash)).toEqual({ ok: false });
    expect(logged.map(([peer, call, f]) => [peer, call, f.kind])).toEqual([
      ['server2', 'prepare', 'refused'],
      ['server2', 'commit', 'refused'],
    ]);
  });
});

describe('group steps', () => {
  test('an unreachable peer: a failed step that says why', async () => {
    const port = await closedPort();
    const t = httpGroupTransport(new PeerClient(() => config({ server2: port }), 't'), () => config({}));
    expect(await t.step('server2', 'g1', 'start', { event: 'START', requestedBy: 'test' })).toEqual({
      status: 0,
      error: 'the agent on server2 did not answer (connection refused)',
    });
  });

  test("a peer's refusal: its status and error", async () => {
    const port = await answering(409, '{"error":"group g1 is busy here"}');
    const t = httpGroupTransport(new PeerClient(() => config({ server2: port }), 't'), () => config({}));
    expect(await t.step('server2', 'g1', 'stop', { event: 'STOP', requestedBy: 'test' })).toEqual({
      status: 409,
      error: 'group g1 is busy here',
    });
  });

  test('a result of the wrong shape is a failed step, not a crash', async () => {
    const port = await answering(200, '{"result":{"ok":true}}');
    const t = httpGroupTransport(new PeerClient(() => config({ server2: port }), 't'), () => config({}));
    const answer = await t.step('server2', 'g1', 'start', { event: 'START', requestedBy: 'test' });
    expect(answer.result).toBeUndefined();
    expect(answer.error).toMatch(/^the agent on server2 gave a bad answer/);
  });
});

test('confirm-down: each peer that was not told, and why', async () => {
  const ok = await answering(200, '{"ok":true}');
  const refused = await answering(409, '{"error":"server3 is heard"}');
  const down = await closedPort();
  const c = config({ server1: 1, server2: ok, server3: 1, server4: refused, server5: down });
  const failed = await broadcastConfirmDown(new PeerClient(() => c, 't'), c, 'server1', 'server3');
  expect(failed.map((f) => [f.peer, f.failure.kind, f.failure.detail])).toEqual([
    ['server4', 'http', 'HTTP 409: server3 is heard'],
    ['server5', 'refused', 'connection refused'],
  ]);
});

test("events: a peer whose answer is not a list of events counts as unreachable, the others' are merged", async () => {
  const event = {
    id: 1,
    time: 5,
    lastTime: 5,
    repeats: 0,
    server: 'server2',
    type: 'notify',
    class: 'informational',
    source: null,
    monitor: null,
    summary: 'hello',
    fields: null,
    raw: null,
  };
  const good = await answering(200, JSON.stringify({ events: [event] }));
  const garbage = await answering(200, '{"events":"none"}');
  const c = config({ server1: 1, server2: good, server3: garbage });
  expect(await fetchPeerEvents(new PeerClient(() => c, 't'), c, 'server1', {})).toEqual({
    events: [{ ...event, origin: 'server2' }],
    unreachable: ['server3'],
  });
});
