// Debian's headless Chromium driven by playwright-core (no browser download: the package's
// /usr/bin/chromium), with the flags that keep it quiet and local on this kind of machine, a
// fresh profile, and the page's console errors and uncaught exceptions collected, since a
// console error is a defect of the page. Screenshots go to test-results/browser/ (gitignored),
// kept as artifacts.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXECUTABLE = process.env.LIFELINE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-results', 'browser');
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

async function launch() {
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    /** A new tab; `problems` lists its console errors and page errors as they happen. */
    async newPage() {
      const page = await context.newPage();
      const problems = [];
      page.on('console', (m) => {
        if (m.type() === 'error') {
          problems.push(`console.error: ${m.text()} (${m.location().url})`);
        }
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      return { page, problems };
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-results/browser/NAME.png; returns its path. */
async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

module.exports = { launch, screenshot, EXECUTABLE, FLAGS, ARTIFACTS };
