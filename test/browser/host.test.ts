/**
 * The Grafana-compatible host over HTTP (no browser yet): its settings API keeps secrets on
 * the server, and its plugin proxy follows Grafana's rules with the real plugin.json routes
 * (contract C): method and path matching, reqRole, the token of the role injected server-side.
 * Checked against a recording upstream (exact headers and paths) and a real agent (the token
 * works, a refused call changes nothing).
 */
import http from 'node:http';
import path from 'node:path';
import { startAgent, type RunningAgent } from '../support/agent';
import { loopbackCluster } from '../support/cluster';
import { ip } from '../support/isolation';
import { ROOT } from '../support/paths';

// CommonJS modules of the host, shared with scripts/demo.mjs and the bench.
const { start } = require('./host/server');
const { matchPath } = require('./host/routes');

const ID = 'lifeline-cluster-app';
const SECRETS = { viewerToken: 'secret-viewer-1', operatorToken: 'secret-operator-2', adminToken: 'secret-admin-3' };

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

let upstream: http.Server;
const recorded: Recorded[] = [];
let agent: RunningAgent;
let host: any;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    recorded.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'upstream=1' });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => upstream.listen(29402, ip('127.0.0.9'), r));
  const config = loopbackCluster({ servers: 1, apiPort: 29401, lanPorts: [29403], groups: ['failover1'] });
  config.groups[0].autoStart = false;
  agent = await startAgent(config, 'server1');
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await agent?.stop();
  await new Promise((r) => upstream?.close(r));
});

/** The host with these settings and user (one host for the file: settings change in place, as provisioning would). */
async function startHost(agentUrls: string[], secureJsonData: Record<string, string>, role = 'Viewer') {
  const settings = { jsonData: { agentUrls }, secureJsonData };
  if (host) {
    host.setSettings(settings);
    host.setUser({ role });
    return host;
  }
  host = await start({
    dist: path.join(ROOT, 'dist'),
    settings,
    user: { role },
    address: ip('127.0.0.1'),
    port: 29400,
  });
  return host;
}

const call = async (p: string, init: RequestInit = {}) => {
  const res = await fetch(`${host.url}${p}`, init);
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, text, headers: res.headers, body: isJson ? JSON.parse(text) : undefined };
};

describe('settings', () => {
  test('GET gives jsonData and secureJsonFields; no secret value reaches the browser, page included', async () => {
    await startHost([agent.url], { ...SECRETS, adminToken: '' });
    const settings = await call(`/api/plugins/${ID}/settings`);
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({
      id: ID,
      type: 'app',
      enabled: true,
      module: `public/plugins/${ID}/module.js`,
      jsonData: { agentUrls: [agent.url] },
      secureJsonFields: { viewerToken: true, operatorToken: true }, // the empty admin token is not "set"
    });
    expect(settings.body.secureJsonData).toBeUndefined();
    const page = await call(`/a/${ID}/overview`);
    expect(page.status).toBe(200);
    for (const text of [settings.text, page.text]) {
      for (const secret of Object.values(SECRETS)) {
        expect(text).not.toContain(secret);
      }
    }
    expect(page.text).toContain('"orgRole":"Viewer"');
  });

  test('POST: refused for a Viewer; an Admin replaces jsonData and merges secrets, which stay hidden', async () => {
    await startHost([agent.url], SECRETS);
    const body = (b: object) => ({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(b),
    });
    const refused = await call(`/api/plugins/${ID}/settings`, body({ jsonData: { agentUrls: [] } }));
    expect(refused.status).toBe(403);
    expect((await call(`/api/plugins/${ID}/settings`)).body.jsonData).toEqual({ agentUrls: [agent.url] });

    host.setUser({ role: 'Admin' });
    const saved = await call(
      `/api/plugins/${ID}/settings`,
      body({
        enabled: true,
        jsonData: { agentUrls: ['http://x', agent.url] },
        secureJsonData: { adminToken: 'new-admin-4' },
      })
    );
    expect(saved.status).toBe(200);
    const after = await call(`/api/plugins/${ID}/settings`);
    expect(after.body.jsonData).toEqual({ agentUrls: ['http://x', agent.url] });
    expect(after.body.secureJsonFields).toEqual({ viewerToken: true, operatorToken: true, adminToken: true });
    expect(after.text).not.toContain('new-admin-4');
  });
});

describe('plugin proxy with the plugin.json routes', () => {
  const echo = () => `http://${ip('127.0.0.9')}:29402/base`;

  test('each role route injects its own token, joins the path, keeps the query, drops cookies', async () => {
    await startHost([agent.url, echo()], SECRETS, 'Admin');
    recorded.length = 0;
    const headers = { Cookie: 'grafana_session=abc', Authorization: 'Bearer from-the-browser' };
    const get = await call(`/api/plugin-proxy/${ID}/agent1/viewer/api/v1/events?limit=5&scope=cluster`, { headers });
    expect(get.status).toBe(200);
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(get.headers.get('set-cookie')).toBeNull();
    const post = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' };
    expect((await call(`/api/plugin-proxy/${ID}/agent1/operator/api/v1/groups/g/stop`, post)).status).toBe(200);
    expect((await call(`/api/plugin-proxy/${ID}/agent1/admin/api/v1/config/rollback`, post)).status).toBe(200);
    expect((await call(`/api/plugin-proxy/${ID}/agent1/admin/api/v1/config`, { ...post, method: 'PUT' })).status).toBe(
      200
    );
    expect(recorded.map((r) => [r.method, r.url, r.headers.authorization, r.headers.cookie])).toEqual([
      ['GET', '/base/api/v1/events?limit=5&scope=cluster', 'Bearer secret-viewer-1', undefined],
      ['POST', '/base/api/v1/groups/g/stop', 'Bearer secret-operator-2', undefined],
      ['POST', '/base/api/v1/config/rollback', 'Bearer secret-admin-3', undefined],
      ['PUT', '/base/api/v1/config', 'Bearer secret-admin-3', undefined],
    ]);
  });

  test('Grafana answers: 403 below reqRole, 404 for another method or no route, 500 past the agent list', async () => {
    await startHost([agent.url, echo()], SECRETS, 'Viewer');
    recorded.length = 0;
    const post = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' };
    const denied = await call(`/api/plugin-proxy/${ID}/agent1/operator/api/v1/groups/g/stop`, post);
    expect(denied).toMatchObject({ status: 403, body: { message: 'plugin proxy route access denied' } });
    host.setUser({ role: 'Editor' });
    expect((await call(`/api/plugin-proxy/${ID}/agent1/admin/api/v1/config/rollback`, post)).status).toBe(403);
    expect((await call(`/api/plugin-proxy/${ID}/agent1/viewer/api/v1/notify`, post)).status).toBe(404);
    expect((await call(`/api/plugin-proxy/${ID}/agent1/viewer`)).status).toBe(404); // "agent1/viewer/*" needs the slash
    expect((await call(`/api/plugin-proxy/${ID}/agent/api/v1/status`)).body.message).toBe(
      'plugin route match not found'
    );
    const past = await call(`/api/plugin-proxy/${ID}/agent2/viewer/api/v1/status`);
    expect(past.status).toBe(500);
    expect(recorded).toEqual([]); // nothing refused went upstream
  });

  test('route paths: exact unless the last segment is *, and :name matches one segment', () => {
    expect(matchPath('agent', 'agent')).toBe('');
    expect(matchPath('agent', 'agent/api/v1/status')).toBeNull();
    expect(matchPath('agent0/viewer/*', 'agent0/viewer/api/v1/status')).toBe('api/v1/status');
    expect(matchPath('agent0/viewer/*', 'agent0/viewer/')).toBe('');
    expect(matchPath('agent0/viewer/*', 'agent0/operator/api')).toBeNull();
    expect(matchPath('a/:id/b', 'a/7/b')).toBe('');
    expect(matchPath('a/:id/b', 'a//b')).toBeNull();
  });
});

describe('against a real agent', () => {
  test('the injected viewer token reads the status; a Viewer POST to the operator route is 403 and stops nothing', async () => {
    await startHost([agent.url], SECRETS, 'Viewer');
    // The agent accepts only its own tokens: with the settings' made-up ones it says 401 ...
    expect((await call(`/api/plugin-proxy/${ID}/agent0/viewer/api/v1/status`)).status).toBe(401);
    // ... and with its viewer token, injected by the host, it answers.
    await startHost([agent.url], {
      ...SECRETS,
      viewerToken: agent.tokens.viewer,
      operatorToken: agent.tokens.operator,
    });
    const status = await call(`/api/plugin-proxy/${ID}/agent0/viewer/api/v1/status`);
    expect(status.status).toBe(200);
    expect(status.body.servers.map((s: { name: string }) => s.name)).toEqual(['server1']);

    const before = (await agent.request('GET', '/api/v1/groups/failover1')).body;
    const start = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' };
    const denied = await call(`/api/plugin-proxy/${ID}/agent0/operator/api/v1/groups/failover1/start`, start);
    expect(denied.status).toBe(403);
    expect((await agent.request('GET', '/api/v1/groups/failover1')).body.state).toBe(before.state);
    expect(host.requests.at(-1)).toEqual({
      method: 'POST',
      path: 'agent0/operator/api/v1/groups/failover1/start',
      status: 403,
    });
  });
});
