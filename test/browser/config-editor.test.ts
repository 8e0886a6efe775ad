/**
 * The configuration editor as a NOC admin uses it: the built plugin in real headless
 * Chromium on the Grafana-compatible host, against a real loopback cluster (two agents, two
 * simulated BMCs, mrw1 receiving the BMCs' traps on a per-server keyword).
 *   - a per-server keyword of the BMCNOTICE monitor edited in the form, the diff, the apply:
 *     every agent stores the new revision (GET /api/v1/status, `config.revision`);
 *   - another apply in between (through the API): the page shows the conflict, rebase
 *     re-applies the edit on the new revision, and both changes reach every agent;
 *   - the history diffs a revision against the one before; a rollback reaches every agent.
 * Screenshots: test-results/browser/config-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { testIds } from '../../src/components/testIds';
import { eventually, roleTokens, startAgent, type RunningAgent } from '../support/agent';
import { bmcAddress, loopbackCluster } from '../support/cluster';
import { startBmc, type SimBmc } from '../support/ipmi-sim';
import { ip } from '../support/isolation';
import { ROOT } from '../support/paths';

const { start } = require('./host/server');
const { launch, screenshot } = require('./host/chromium');

const ID = 'lifeline-cluster-app';
const BMC_PORT = 29434;
const TRAP_PORT = 29435;
const ids = testIds.configEditor;
const KEYWORD2 = ['monitors', 0, 'perServer', 'server2', 'keyword'];
const tokens = roleTokens('editor');
const config = loopbackCluster({
  name: 'editor',
  servers: 2,
  apiPort: 29431,
  lanPorts: [29432, 29433],
  bmcPort: BMC_PORT,
});
config.api = { tokens: Object.values(tokens).map((t) => t.entry) };
config.monitors = [
  {
    name: 'mrw1',
    type: 'message-receive',
    category: 'BMCNOTICE',
    perServer: {
      server1: { keyword: `${ip('127.0.0.1')}:${TRAP_PORT}` },
      server2: { keyword: `${ip('127.0.0.2')}:${TRAP_PORT}` },
    },
  },
];

const agents: RunningAgent[] = [];
let bmcs: SimBmc[] = [];
let host: any;
let browser: any;
let tab: { page: Page; problems: string[] };

beforeAll(async () => {
  bmcs = await Promise.all([1, 2].map((n) => startBmc({ address: bmcAddress(n), port: BMC_PORT, name: `bmc${n}` })));
  for (const server of ['server1', 'server2']) {
    agents.push(await startAgent(config, server, { env: { BMC_PW: 'secret' } }));
  }
  host = await start({
    dist: path.join(ROOT, 'dist'),
    settings: {
      jsonData: { agentUrls: agents.map((a) => a.url) },
      secureJsonData: {
        viewerToken: tokens.viewer.token,
        operatorToken: tokens.operator.token,
        adminToken: tokens.admin.token,
      },
    },
    user: { role: 'Admin' },
    address: ip('127.0.3.1'),
    port: 29430,
  });
  browser = await launch();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(bmcs.map((b) => b.stop()));
  for (const a of agents) {
    fs.rmSync(a.dir, { recursive: true, force: true });
  }
});

const byId = (page: Page, id: string) => page.getByTestId(id);

/** Every agent has stored `revision` (its status says so); returns their configurations. */
async function onEveryAgent(revision: number): Promise<any[]> {
  return eventually(
    async () => {
      const seen = await Promise.all(
        agents.map(
          async (a) => (await a.request('GET', '/api/v1/status', undefined, a.tokens.viewer)).body?.config?.revision
        )
      );
      if (seen.some((r) => r !== revision)) {
        return undefined;
      }
      return Promise.all(
        agents.map(async (a) => (await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body.config)
      );
    },
    20_000,
    `revision ${revision} on every agent`
  );
}

async function apply(page: Page, expected: RegExp) {
  const button = byId(page, ids.apply);
  await eventually(async () => ((await button.isEnabled()) ? true : undefined), 10_000, 'apply enabled', {
    intervalMs: 100,
  });
  await button.click();
  await byId(page, testIds.confirm.button).click();
  const result = byId(page, ids.applyResult);
  await result.waitFor({ timeout: 30_000 });
  expect(await result.textContent()).toMatch(expected);
}

test('a per-server keyword edited in the form: the diff, the apply, the new revision on every agent', async () => {
  tab = await browser.newPage();
  const { page } = tab;
  await page.goto(`${host.url}/a/${ID}/config`);
  await eventually(
    async () => ((await byId(page, ids.status).textContent())?.includes('valid') ? true : undefined),
    30_000,
    'the configuration loaded and valid',
    { intervalMs: 100 }
  );
  expect(await byId(page, ids.status).getAttribute('data-base')).toBe('1');
  // The product's interconnect table: a row per route in priority order, a column per server.
  expect(await byId(page, ids.field(['interconnects', 2, 'addresses', 'server2'])).inputValue()).toBe(bmcAddress(2));
  await screenshot(page, 'config-servers');
  await byId(page, ids.tab('monitors')).click();
  await byId(page, ids.select('monitors', 'mrw1')).click();
  const keyword = `${ip('127.0.0.2')}:${TRAP_PORT + 1}`;
  await byId(page, ids.field(KEYWORD2)).fill(keyword);
  expect(await byId(page, ids.effectiveEndpoint('server2')).textContent()).toBe(keyword);
  await screenshot(page, 'config-keyword-form');

  await byId(page, ids.tab('changes')).click();
  await eventually(
    async () => ((await byId(page, ids.diff).getAttribute('data-changes')) === '2' ? true : undefined),
    10_000,
    'the diff of one changed line',
    { intervalMs: 100 }
  );
  const diff = (await byId(page, ids.diff).textContent()) ?? '';
  // Each diff line is "- " or "+ " and the YAML line with its indentation.
  expect(diff).toContain(`-         keyword: ${ip('127.0.0.2')}:${TRAP_PORT}`);
  expect(diff).toContain(`+         keyword: ${keyword}`);
  await screenshot(page, 'config-diff');

  await apply(page, /Revision 2 applied/);
  // What each agent did (contract A): the keyword is taken at once on both.
  for (const server of ['server1', 'server2']) {
    expect(await byId(page, ids.agentReport(server)).textContent()).toMatch(/applied: monitors\[0\]/);
  }
  await screenshot(page, 'config-applied');
  for (const c of await onEveryAgent(2)) {
    expect(c.monitors[0].perServer.server2.keyword).toBe(keyword);
  }
  expect(tab.problems).toEqual([]);
});

test('another apply in between: the conflict is shown, rebase re-applies the edit on the new revision', async () => {
  const { page } = tab;
  await eventually(
    async () => ((await byId(page, ids.status).getAttribute('data-base')) === '2' ? true : undefined),
    10_000,
    'the page on revision 2',
    { intervalMs: 100 }
  );
  await byId(page, ids.tab('protection')).click();
  await byId(page, ids.field(['fencing', 'retries'])).fill('4');

  // Someone else changes the event log through the API meanwhile.
  const now = (await agents[1].request('GET', '/api/v1/config')).body;
  now.config.traps.eventLog.maxAgeDays = 30;
  const put = await agents[1].request('PUT', '/api/v1/config', now.config, undefined, {
    'If-Match': `"${now.revision}"`,
  });
  expect(put.status).toBe(200);
  expect(put.body.revision).toBe(3);

  await apply(page, /Not applied: someone changed the configuration/);
  await byId(page, ids.conflict).waitFor();
  await screenshot(page, 'config-conflict');
  await byId(page, ids.rebase).click();
  const notice = byId(page, ids.rebaseNotice);
  await notice.waitFor();
  expect(await notice.getAttribute('data-kind')).toBe('rebased');
  expect(await notice.textContent()).toContain('fencing.retries');
  expect(await byId(page, ids.status).getAttribute('data-base')).toBe('3');
  await screenshot(page, 'config-rebased');

  await apply(page, /Revision 4 applied/);
  for (const c of await onEveryAgent(4)) {
    expect(c.fencing.retries).toBe(4);
    expect(c.traps.eventLog.maxAgeDays).toBe(30);
    expect(c.monitors[0].perServer.server2.keyword).toBe(`${ip('127.0.0.2')}:${TRAP_PORT + 1}`);
  }
  await screenshot(page, 'config-after-rebase');
  // The only console error the browser logs is the refused (409) PUT itself.
  expect(tab.problems.filter((p) => !/409 \(Conflict\).*\/admin\/api\/v1\/config/.test(p))).toEqual([]);
});

test('history: revision 4 against the one before, and a rollback to revision 3 reaching every agent', async () => {
  const { page } = tab;
  await byId(page, ids.tab('history')).click();
  const row = byId(page, ids.historyRow(4));
  await row.waitFor({ timeout: 10_000 });
  await row.getByRole('button', { name: 'Changes' }).click();
  const diff = byId(page, ids.historyDiff);
  await diff.waitFor({ timeout: 10_000 });
  const text = (await diff.textContent()) ?? '';
  expect(text).toContain('-   retries: 2');
  expect(text).toContain('+   retries: 4');
  await screenshot(page, 'config-history');

  await byId(page, ids.rollback(3)).click();
  await byId(page, testIds.confirm.button).click();
  const result = byId(page, ids.applyResult);
  await eventually(
    async () =>
      (await result.textContent())?.includes('Revision 5 applied (the configuration of revision 3)') ? true : undefined,
    30_000,
    'the rollback result',
    { intervalMs: 100 }
  );
  for (const c of await onEveryAgent(5)) {
    expect(c.fencing.retries).toBe(2);
    expect(c.traps.eventLog.maxAgeDays).toBe(30);
  }
  await screenshot(page, 'config-rolled-back');
  expect(tab.problems.filter((p) => !/409 \(Conflict\).*\/admin\/api\/v1\/config/.test(p))).toEqual([]);
});
