/**
 * The README's first quick-start command ends in scripts/demo.mjs: it must keep working.
 * Run on this file's loopback block (LIFELINE_DEMO_NET), with Debian's Prometheus (installed
 * by the test setup): once with --once (the demo injects the trap itself), once as a user
 * runs it (the printed command injects the trap; Ctrl-C leaves no process and no folder), and
 * its plugin preview in Chromium (the host's banner, the Overview of the demo cluster).
 * Screenshots: test-results/browser/demo-*.png. Needs the built plugin (dist/).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/agent';
import { ip } from '../support/isolation';
import { CLI, ROOT } from '../support/paths';
import { testIds } from '../../src/components/testIds';

const { launch, screenshot } = require('../browser/host/chromium');

const DEMO = path.join(ROOT, 'scripts', 'demo.mjs');
const NET = ip('127.0.0.1').split('.').slice(0, 2).join('.');
const env = { ...process.env, LIFELINE_DEMO_NET: NET };

/** Every process below `pid` (children, their children, ...), from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => [...parent].filter(([, pp]) => pp === p).forEach(([c]) => (found.push(c), walk(c)));
  walk(pid);
  return found;
}

const alive = (pid: number) =>
  fs.existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));

/**
 * The preview page as a user sees it: the host's banner, the plugin's Overview with both demo
 * servers and failover1 on `groupOn`, no console error.
 */
async function checkPreview(url: string, name: string, groupOn: string): Promise<void> {
  const browser = await launch();
  try {
    const { page, problems } = await browser.newPage();
    await page.goto(url);
    const banner = page.getByTestId('host-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/^Preview outside Grafana/);
    await page.getByTestId(testIds.overview.serverRow('server2')).waitFor({ timeout: 30_000 });
    const current = page.getByTestId(testIds.group.server('failover1'));
    await eventually(
      async () => ((await current.textContent())?.trim() === groupOn ? true : undefined),
      20_000,
      `failover1 on ${groupOn} on screen`,
      { intervalMs: 250 }
    );
    expect(await page.getByTestId(testIds.overview.serverRow('server1')).count()).toBe(1);
    await screenshot(page, name);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}

test('--once: two BMCs, two agents, Prometheus; a fatal PET fails failover1 over from server1 to server2', () => {
  const r = spawnSync(process.execPath, [DEMO, '--once'], { encoding: 'utf8', timeout: 120_000, env });
  const out = `${r.stdout}${r.stderr}`;
  expect({ code: r.status, out }).toMatchObject({ code: 0 });
  expect(out).toMatch(/server2\s+online/);
  expect(out).toMatch(/^ {2}failover1 +online +server1/m); // the status before the trap
  expect(out).toContain(`Prometheus: http://${NET}.0.1:29090`);
  expect(out).toMatch(/scraping job lifeline: 2\/2 targets up/);
  expect(out).toContain(`npx lifeline trap send --to ${NET}.0.1:10162 --from ${NET}.1.1 --specific 880385`);
  expect(out).toMatch(/mrw1\s+server1\s+error\s+fatal event: drive fault/);
  expect(out).toMatch(/recovery-request recovery requested by mrw1 for server1/);
  expect(out).toMatch(/recovery for mrw1 on server1: failover #1 of group failover1/);
  expect(out).toMatch(/^failover1 +online +server2 /m); // group list after it
  expect(out).toMatch(/^firing in Prometheus: .*LifelineBmcFatalEvent/m);
  const folder = /^temporary folder: (\S+)$/m.exec(out)![1];
  expect(fs.existsSync(folder)).toBe(false);
}, 150_000);

test('as a user runs it: the printed command fails failover1 over, and Ctrl-C leaves nothing behind', async () => {
  const demo = spawn(process.execPath, [DEMO], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  demo.stdout.on('data', (d) => (out += d));
  demo.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => demo.once('exit', (code) => r(code)));
  try {
    await eventually(() => (out.includes('== events as they happen') ? true : undefined), 90_000, 'the demo running', {
      intervalMs: 200,
      diagnostics: () => out,
    });
    const previewUrl = /^Plugin preview \(outside Grafana, on a Grafana-compatible test host\): (\S+)$/m.exec(out)?.[1];
    expect(previewUrl).toBe(`http://${NET}.0.1:29030/a/lifeline-cluster-app/overview`);
    await checkPreview(previewUrl!, 'demo-preview-before-trap', 'server1');

    const inject = /^ {2}npx lifeline (trap send .*)$/m.exec(out)![1].split(' ');
    const sent = spawnSync(process.execPath, [CLI, ...inject], { encoding: 'utf8', timeout: 30_000 });
    expect(sent).toMatchObject({ status: 0, stdout: expect.stringContaining('sent PET 880385') });
    // The demo follows the event log: the failover shows up in its output.
    await eventually(
      () => (/move of group failover1 \(by recovery:mrw1\): done, now on server2/.test(out) ? true : undefined),
      20_000,
      'the failover in the followed events',
      { intervalMs: 200, diagnostics: () => out }
    );
    await checkPreview(previewUrl!, 'demo-preview-after-trap', 'server2');
    const started = descendants(demo.pid!);
    expect(started.length).toBeGreaterThanOrEqual(6); // 2 ipmi_sim, 2 agents, prometheus, the follower
    const folder = /^temporary folder: (\S+)$/m.exec(out)![1];
    expect(fs.existsSync(folder)).toBe(true);

    process.kill(demo.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(started.filter(alive)).toEqual([]);
    expect(fs.existsSync(folder)).toBe(false);
  } finally {
    if (demo.exitCode === null) {
      process.kill(demo.pid!, 'SIGKILL');
      descendants(demo.pid!).forEach((p) => process.kill(p, 'SIGKILL'));
    }
  }
}, 150_000);
