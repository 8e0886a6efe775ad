// The demo's Prometheus: Debian's `prometheus` scraping the demo agents (job lifeline, a
// viewer token) with the project's alerting rules. Absent when the package is not installed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';

export const installed = () => spawnSync('sh', ['-c', 'command -v prometheus'], { stdio: 'ignore' }).status === 0;

/** Starts Prometheus in `dir` and resolves once it is ready; rejects with its log otherwise. */
export async function startPrometheus({ dir, listen, targets, tokenFile, rules }) {
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    dump({
      global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s' },
      rule_files: [rules],
      scrape_configs: [
        {
          job_name: 'lifeline',
          authorization: { type: 'Bearer', credentials_file: tokenFile },
          static_configs: [{ targets }],
        },
      ],
    })
  );
  const logFile = path.join(dir, 'prometheus.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=${listen}`],
    { cwd: dir, stdio: ['ignore', log, log] }
  );
  fs.closeSync(log);
  const url = `http://${listen}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) {
        return { child, url, logFile };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`prometheus did not become ready at ${url}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
}

async function api(url, p) {
  const body = await (await fetch(`${url}${p}`)).json();
  if (body.status !== 'success') {
    throw new Error(`${p}: ${body.error}`);
  }
  return body.data;
}

/** Waits (at most `ms`) until `n` scrape targets are up; returns how many are. */
export async function targetsUp(url, n, ms = 20_000) {
  const deadline = Date.now() + ms;
  let up = 0;
  while (Date.now() < deadline) {
    up = (await api(url, '/api/v1/targets')).activeTargets.filter((t) => t.health === 'up').length;
    if (up >= n) {
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return up;
}

/** Waits (at most `ms`) until alert `name` fires; returns the names of the firing alerts. */
export async function firingAlerts(url, name, ms = 20_000) {
  const deadline = Date.now() + ms;
  let names = [];
  while (Date.now() < deadline) {
    names = (await api(url, '/api/v1/alerts')).alerts
      .filter((a) => a.state === 'firing')
      .map((a) => a.labels.alertname);
    if (names.includes(name)) {
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return [...new Set(names)].sort();
}
