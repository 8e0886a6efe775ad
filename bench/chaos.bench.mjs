// Chaos rounds on real agents in network namespaces (issue 9; the rig and the rounds are
// test/support/chaos/, loaded through ts-node): BENCH_ROUNDS (default 30) random fault
// rounds from CHAOS_SEED (default: random, printed), in CHAOS_MODE fencing (default),
// watchdog or none; CHAOS_KINDS=freeze,partition,... limits the fault kinds. After every
// round the cluster is healed and the ledger checked.
// Reports per fault kind: rounds, takeovers the cluster made on its own (before the heal),
// fault -> new copy running (p50/max), heal time, and overlaps (must be 0). Needs root.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { percentile, report } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
require('ts-node').register({
  transpileOnly: true,
  swc: true,
  project: path.join(root, 'backend', 'tsconfig.json'),
  compilerOptions: { module: 'commonjs' },
});
const { createRig } = require('../test/support/chaos/rig.ts');
const {
  CHAOS_GROUPS,
  FAULT_KINDS,
  heal,
  kindsFromEnv,
  runRound,
  schedule,
} = require('../test/support/chaos/rounds.ts');
const { chaosMode, modeOptions } = require('../test/support/chaos/modes.ts');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MODE = chaosMode();

console.log(`chaos: seed ${SEED}, ${ROUNDS} rounds, mode ${MODE} (replay: CHAOS_SEED=${SEED} BENCH_ROUNDS=${ROUNDS})`);
const rig = await createRig({ name: 'chaos-bench', groups: CHAOS_GROUPS, ...modeOptions(MODE) });
const results = [];
let failure;
try {
  await rig.start();
  await heal(rig);
  const { rand, kinds } = schedule(SEED, ROUNDS, kindsFromEnv());
  for (let round = 1; round <= ROUNDS; round++) {
    const r = await runRound(rig, rand, SEED, round, kinds[round - 1]);
    results.push(r);
    const moved = r.takeovers.map(
      (t) => `${t.group} ${t.from}->${t.to} ${t.ms} ms${t.beforeHeal ? '' : ' (after heal)'}`
    );
    console.log(
      `round ${round} ${r.kind}: ${r.detail}; takeovers ${moved.join(', ') || 'none'}; healed in ${r.healMs} ms` +
        (r.overlaps.length ? `; OVERLAP:\n${r.overlaps.map((o) => o.evidence).join('\n')}` : '')
    );
    if (r.overlaps.length) {
      console.log(`seed ${SEED} round ${round}: overlap found (replay: CHAOS_SEED=${SEED})`);
    }
  }
} catch (e) {
  failure = e;
  console.error(`seed ${SEED} round ${results.length + 1}: ${e.message}\n${rig.diagnostics()}`);
} finally {
  await rig.destroy();
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const row = (kind, rs) => {
  const own = sorted(rs.flatMap((r) => r.takeovers.filter((t) => t.beforeHeal).map((t) => t.ms)));
  const heals = sorted(rs.map((r) => r.healMs));
  return {
    fault: kind,
    rounds: rs.length,
    takeovers: own.length,
    takeover_p50_ms: own.length ? percentile(own, 50) : '-',
    takeover_max_ms: own.length ? own[own.length - 1] : '-',
    heal_p50_ms: heals.length ? percentile(heals, 50) : '-',
    heal_max_ms: heals.length ? heals[heals.length - 1] : '-',
    overlaps: rs.reduce((n, r) => n + r.overlaps.length, 0),
  };
};
const rows = [
  ...FAULT_KINDS.map((k) =>
    row(
      k,
      results.filter((r) => r.kind === k)
    )
  ),
  row('all', results),
];
const overlaps = rows[rows.length - 1].overlaps;
const ok = report('chaos', {
  rows,
  targets: [
    { name: 'overlaps over all rounds', value: overlaps, target: '0', met: overlaps === 0 },
    {
      name: 'rounds completed (healed)',
      value: `${results.length} of ${ROUNDS}`,
      target: `${ROUNDS}`,
      met: results.length === ROUNDS,
    },
  ],
  notes: [
    `seed ${SEED}, mode ${MODE}, kinds ${kindsFromEnv().join(',')}; takeover = fault injected -> first ledger line of the new copy, counted when the cluster moved the group before the rig healed it`,
    'heal = fault undone -> every agent hears every peer and every group runs on exactly one server that every agent names',
    ...(failure ? [`stopped early: ${failure.message.split('\n')[0]}`] : []),
  ],
});
process.exit(ok ? 0 : 1);
