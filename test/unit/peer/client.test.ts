/**
 * The peer client against real HTTP servers on this file's loopback block: each way a call
 * can fail ends in a result that says why, never a throw.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { ClusterConfig } from '../../../backend/config/model';
import { PeerClient, type PeerResult } from '../../../backend/peer/client';
import { describeFailure } from '../../../backend/peer/failure';
import { forwardRequest } from '../../../backend/peer/group-calls';
import { OperationError } from '../../../backend/groups/operations';
import { ip, tempDir } from '../../support/isolation';

const HOST = ip('127.0.0.1');
const answer = z.object({ ok: z.literal(true) });
const servers: http.Server[] = [];
const hung: http.ServerResponse[] = [];

/** A configuration naming each peer at its port (only what the client reads). */
function config(peers: Record<string, number>, tls = false): ClusterConfig {
  return {
    api: { tls },
    groups: [],
    servers: Object.entries(peers).map(([name, port]) => ({ name, api: { address: HOST, port } })),
  } as unknown as ClusterConfig;
}

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return (server.address() as AddressInfo).port;
}

function answering(status: number, body: string): Promise<number> {
  return listen(
    http.createServer((_req, res) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(body))
  );
}

async function call(peers: Record<string, number>, peer = 'server1', timeoutMs = 2000, tls = false) {
  const client = new PeerClient(() => config(peers, tls), 'token');
  return client.call(peer, { method: 'POST', path: '/internal/x', body: { a: 1 }, answer, timeoutMs });
}

function failure<A>(r: PeerResult<A>) {
  if (r.ok) {
    throw new Error('expected a failure, got an answer');
  }
  return r;
}

afterAll(async () => {
  for (const res of hung) {
    res.destroy();
  }
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

test('an answer of the expected shape is the answer, with the token and the body sent', async () => {
  let seen: { auth?: string; url?: string; body?: string } = {};
  const port = await listen(
    http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, url: req.url, body };
        res.end('{"ok":true}');
      });
    })
  );
  expect(await call({ server1: port })).toEqual({ ok: true, status: 200, body: { ok: true } });
  expect(seen).toEqual({ auth: 'Bearer token', url: '/api/v1/internal/x', body: '{"a":1}' });
});

test('nothing listening: refused', async () => {
  const port = await answering(200, '{}');
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const f = failure(await call({ server1: port }));
  expect(f).toMatchObject({ kind: 'refused', detail: 'connection refused' });
  expect(describeFailure(f)).toBe('did not answer (connection refused)');
});

test('no answer in time: timeout, with the wait', async () => {
  const port = await listen(http.createServer((_req, res) => void hung.push(res)));
  const f = failure(await call({ server1: port }, 'server1', 300));
  expect(f).toMatchObject({ kind: 'timeout', detail: 'timeout after 300 ms' });
});

test('a body that is not JSON: bad-answer', async () => {
  const f = failure(await call({ server1: await answering(200, '<html>surprise</html>') }));
  expect(f).toMatchObject({ kind: 'bad-answer', status: 200 });
  expect(f.detail).toMatch(/not JSON/);
});

test('JSON of the wrong shape: bad-answer naming the field', async () => {
  const f = failure(await call({ server1: await answering(200, '{"ok":"yes"}') }));
  expect(f).toMatchObject({ kind: 'bad-answer', status: 200 });
  expect(f.detail).toMatch(/^not the expected answer \(ok: /);
});

test('a refusal: http with the status and the error, even when its body is not JSON', async () => {
  const f = failure(await call({ server1: await answering(409, '{"error":"group g1 is busy"}') }));
  expect(f).toMatchObject({ kind: 'http', status: 409, detail: 'HTTP 409: group g1 is busy' });
  expect(f.body).toEqual({ error: 'group g1 is busy' });
  const g = failure(await call({ server1: await answering(502, 'Bad Gateway') }));
  expect(g).toMatchObject({ kind: 'http', status: 502, detail: 'HTTP 502', body: undefined });
});

test('a server not in the configuration: unknown-peer, nothing sent', async () => {
  const f = failure(await call({ server1: 1 }, 'server9'));
  expect(f).toMatchObject({ kind: 'unknown-peer', detail: 'server9 is not in the configuration' });
});

test('a certificate the agent does not trust: tls', async () => {
  const dir = tempDir('lifeline-peer-tls-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=not-a-peer',
  ], { stdio: 'ignore' }); // prettier-ignore
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) =>
    res.end('{"ok":true}')
  );
  const port = await listen(server);
  const f = failure(await call({ server1: port }, 'server1', 2000, true));
  expect(f.kind).toBe('tls');
  expect(f.detail).toMatch(/^TLS: /);
});

test('a forwarded request whose decider is down says so, as unavailable', async () => {
  const port = await answering(200, '{}');
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const client = new PeerClient(() => config({ server1: port }), 'token');
  const sent = forwardRequest(client, config({ server1: port }), 'server1', {
    op: 'start',
    group: 'g1',
    requestedBy: 'test',
  });
  await expect(sent).rejects.toThrow(
    new OperationError('the deciding server server1 did not answer (connection refused)', 'unavailable')
  );
  await expect(sent).rejects.toMatchObject({ kind: 'unavailable' });
});

test('a forwarded request that the decider refuses keeps its message and kind', async () => {
  const port = await answering(404, '{"error":"no group is named \\"g9\\""}');
  const client = new PeerClient(() => config({ server1: port }), 'token');
  const sent = forwardRequest(client, config({ server1: port }), 'server1', {
    op: 'stop',
    group: 'g9',
    requestedBy: 'test',
  });
  await expect(sent).rejects.toMatchObject({ kind: 'not-found', message: 'no group is named "g9"' });
});
