// The whole-cluster simulation in CI: every named scenario (the six cases that once ran a
// group twice on real agents, and more) and a sample of random seeds. The 10,000-seed run
// is `npm run bench -- sim`. A failure prints the seed; replay it with
//   node build/backend/sim/cluster/run.js --seed N --verbose
import { report, runScenario } from '../../../backend/sim/cluster/run';
import { randomScenario, SCENARIOS } from '../../../backend/sim/cluster/scenarios';
import { Truth } from '../../../backend/sim/cluster/truth';

/** Seeds sampled in CI: a fixed set, so a red run replays. */
const SEEDS = Array.from({ length: 24 }, (_, i) => 1000 + i * 7919);

describe('whole-cluster simulation', () => {
  test.each(Object.keys(SCENARIOS))('scenario %s: never twice, available after the heal', async (name) => {
    const r = await runScenario(SCENARIOS[name], SCENARIOS[name].seed ?? 1);
    expect({ report: report(r), bad: r.violations.length + r.failures.length }).toMatchObject({ bad: 0 });
    expect(r.starts).toBeGreaterThan(0); // the scenario did run groups
  });

  test.each(SEEDS)('random seed %i: never twice, available after the heal', async (seed) => {
    const r = await runScenario(randomScenario(seed), seed);
    expect({ report: report(r), bad: r.violations.length + r.failures.length }).toMatchObject({ bad: 0 });
  });

  test('the truth records a start on a second host as a violation', () => {
    let t = 0;
    const truth = new Truth(() => t);
    truth.start('g', 'a');
    t = 5;
    truth.start('g', 'b');
    expect(truth.violations).toEqual([
      { at: 5, kind: 'twice', group: 'g', detail: 'g started on b while active on a' },
    ]);
  });
});
