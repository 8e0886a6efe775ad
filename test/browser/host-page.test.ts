/**
 * The host page in real headless Chromium with the built dist/module.js and one real agent:
 * the plugin mounts as in Grafana (AMD, boot data, theme, router) without a console error, the
 * menu shows the plugin.json pages the user's role may see, both themes apply, the config
 * page renders at /plugins/<id>, and the banner is the host's, shown only when asked for.
 * Screenshots: test-results/browser/host-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startAgent, type RunningAgent } from '../support/agent';
import { loopbackCluster } from '../support/cluster';
import { ip } from '../support/isolation';
import { ROOT } from '../support/paths';

const { start } = require('./host/server');
const { launch, screenshot } = require('./host/chromium');

const ID = 'lifeline-cluster-app';
let agent: RunningAgent;
let host: any;
let browser: any;

beforeAll(async () => {
  const config = loopbackCluster({ servers: 1, apiPort: 29411, lanPorts: [29412], groups: ['failover1'] });
  agent = await startAgent(config, 'server1');
  host = await start({
    dist: path.join(ROOT, 'dist'),
    settings: {
      jsonData: { agentUrls: [agent.url] },
      secureJsonData: {
        viewerToken: agent.tokens.viewer,
        operatorToken: agent.tokens.operator,
        adminToken: agent.tokens.admin,
      },
    },
    user: { role: 'Viewer' },
    address: ip('127.0.0.1'),
    port: 29410,
  });
  browser = await launch();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await agent?.stop();
});

/** Opens `p` as a user of `role` and waits until the host has mounted the plugin. */
async function open(p: string, user: { role: string; theme?: string }): Promise<{ page: Page; problems: string[] }> {
  host.setUser({ theme: 'dark', ...user });
  const tab = await browser.newPage();
  await tab.page.goto(`${host.url}${p}`);
  await tab.page.waitForFunction(() => (window as any).__hostState?.phase !== 'booting', null, { timeout: 30_000 });
  expect(await tab.page.evaluate(() => (window as any).__hostState)).toEqual({ phase: 'ready' });
  return tab;
}

const navItems = (page: Page) => page.getByTestId('host-nav').locator('a').allTextContents();

test('a Viewer: the plugin mounts, the menu has the console pages but not the connection page, no console error', async () => {
  const { page, problems } = await open(`/a/${ID}/overview`, { role: 'Viewer' });
  await page.waitForTimeout(1000); // let the page's first requests settle
  expect(await navItems(page)).toEqual([
    'Overview',
    'Servers',
    'Groups',
    'Monitors',
    'Events',
    'Failovers',
    'Configuration',
  ]);
  expect(await page.getByTestId('host-banner').count()).toBe(0);
  await screenshot(page, 'host-viewer-overview');
  expect(problems).toEqual([]);
  await page.close();
});

test('an Admin also gets the connection page, where the plugin config page renders', async () => {
  const { page, problems } = await open(`/plugins/${ID}`, { role: 'Admin' });
  expect(await navItems(page)).toContain('Agent connection');
  await page.getByTestId('host-config-page').waitFor();
  await screenshot(page, 'host-admin-config');
  expect(problems).toEqual([]);
  await page.close();
});

test('light and dark themes come from the user, as in Grafana', async () => {
  const background = async (theme: string) => {
    const { page, problems } = await open(`/a/${ID}/overview`, { role: 'Viewer', theme });
    const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await page.evaluate(() => document.body.className)).toBe(`theme-${theme}`);
    await screenshot(page, `host-theme-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
    return color;
  };
  const dark = await background('dark');
  const light = await background('light');
  const luminance = (rgb: string) =>
    rgb
      .match(/\d+/g)!
      .slice(0, 3)
      .map(Number)
      .reduce((a, b) => a + b, 0);
  expect(luminance(light)).toBeGreaterThan(luminance(dark));
});

test("the banner is the host's: shown above the plugin when the host is started with one", async () => {
  const bannered = await start({
    dist: path.join(ROOT, 'dist'),
    settings: { jsonData: { agentUrls: [agent.url] }, secureJsonData: { viewerToken: agent.tokens.viewer } },
    user: { role: 'Viewer' },
    address: ip('127.0.0.2'),
    port: 29410,
    banner: 'Preview outside Grafana',
  });
  try {
    const { page } = await browser.newPage();
    await page.goto(`${bannered.url}/a/${ID}/overview`);
    await page.getByTestId('host-banner').waitFor();
    expect(await page.getByTestId('host-banner').textContent()).toBe('Preview outside Grafana');
    // Not part of the plugin's markup: the plugin renders inside <main>, the banner outside it.
    expect(await page.locator('main [data-testid="host-banner"]').count()).toBe(0);
    await page.close();
  } finally {
    await bannered.stop();
  }
});
