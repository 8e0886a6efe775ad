// Whole-cluster simulation over many seeds (issue 9: at least 10,000): each seed is a random
// scenario (2-4 servers, a settle mode, 2-6 faults, a heal) run on the agent's real cores.
// BENCH_SEEDS (default 10000), BENCH_FIRST_SEED (default 1), BENCH_WORKERS (default: cores),
// BENCH_BUDGET_S (default none): stop starting seeds after that many seconds.
// Every failing seed is printed; replay with node build/backend/sim/cluster/run.js --seed N --verbose.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { percentile, report, round } from './lib/report.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

if (!isMainThread) {
  const require = createRequire(import.meta.url);
  const { runScenario } = require(path.join(root, 'build/backend/sim/cluster/run.js'));
  const { randomScenario } = require(path.join(root, 'build/backend/sim/cluster/scenarios.js'));
  for (const seed of workerData.seeds) {
    if (Date.now() > workerData.deadline) {
      break; // BENCH_BUDGET_S spent: the report says how many seeds ran
    }
    const s = randomScenario(seed);
    const started = performance.now();
    let r;
    try {
      r = await runScenario(s, seed);
    } catch (e) {
      // A crash of the cores is a finding too: counted, printed, the run goes on.
      r = { violations: [{ kind: 'crash', detail: `crash: ${e.stack}` }], failures: [], recoveryMs: null };
    }
    parentPort.postMessage({
      seed,
      mode: s.setup.mode,
      twice: r.violations.filter((v) => v.kind === 'twice').length,
      unavailable: r.violations.filter((v) => v.kind === 'unavailable').length + r.failures.length,
      crashes: r.violations.filter((v) => v.kind === 'crash').length,
      recoveryMs: r.recoveryMs,
      ms: performance.now() - started,
      detail: [...r.violations.map((v) => v.detail), ...r.failures],
    });
  }
} else {
  const total = Number(process.env.BENCH_SEEDS ?? 10_000);
  const first = Number(process.env.BENCH_FIRST_SEED ?? 1);
  const workers = Number(process.env.BENCH_WORKERS ?? os.cpus().length);
  const deadline = process.env.BENCH_BUDGET_S ? Date.now() + Number(process.env.BENCH_BUDGET_S) * 1000 : Infinity;
  const seeds = Array.from({ length: total }, (_, i) => first + i);
  const results = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const mine = seeds.filter((_, i) => i % workers === w);
      return new Promise((resolve, reject) => {
        const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { seeds: mine, deadline } });
        worker.on('message', (m) => {
          results.push(m);
          if (m.twice + m.unavailable + m.crashes > 0) {
            console.log(`seed ${m.seed} (${m.mode}): ${m.detail.join('; ')}`);
          }
          if (results.length % 500 === 0) {
            console.log(`${results.length}/${total} seeds`);
          }
        });
        worker.on('error', reject);
        worker.on('exit', resolve);
      });
    })
  );
  const seconds = (performance.now() - started) / 1000;
  const rows = ['fencing', 'watchdog', 'none', 'all'].map((mode) => {
    const mine = results.filter((r) => mode === 'all' || r.mode === mode);
    const rec = mine
      .map((r) => r.recoveryMs)
      .filter((x) => x !== null)
      .sort((a, b) => a - b);
    return {
      mode,
      seeds: mine.length,
      'runs twice': mine.reduce((n, r) => n + r.twice, 0),
      'not available after heal': mine.reduce((n, r) => n + r.unavailable, 0),
      crashes: mine.reduce((n, r) => n + r.crashes, 0),
      'recovery p50 ms (virtual)': rec.length ? percentile(rec, 50) : '-',
      'recovery p99 ms (virtual)': rec.length ? percentile(rec, 99) : '-',
    };
  });
  const all = rows.at(-1);
  const ok = report('sim', {
    rows,
    targets: [
      { name: 'seeds run', value: results.length, target: `>= ${total}`, met: results.length >= total },
      { name: 'never twice (violations)', value: all['runs twice'], target: '0', met: all['runs twice'] === 0 },
      { name: 'no crash of the cores', value: all.crashes, target: '0', met: all.crashes === 0 },
      {
        name: 'available within 20 s of the heal (violations)',
        value: all['not available after heal'],
        target: '0',
        met: all['not available after heal'] === 0,
      },
    ],
    notes: [
      `${round(seconds, 1)} s wall on ${workers} workers, ${round(results.length / seconds, 2)} seeds/s`,
      `seeds ${first}..${first + total - 1}; scenario per seed: backend/sim/cluster/scenarios.ts randomScenario`,
    ],
  });
  process.exit(ok ? 0 : 1);
}
