/**
 * Runs one scenario of the whole-cluster simulation and checks the invariants:
 *
 * - never twice: no group active on two hosts at overlapping times, at any instant
 *   (checked by the truth at every resource start);
 * - available: `boundMs` after every fault has healed, every group that should run (automatic
 *   groups and those an operator started, minus those an operator stopped last) is fully
 *   online on exactly one host, and a group an operator stopped last runs nowhere.
 *
 *   node build/backend/sim/cluster/run.js --seed 42 [--verbose]
 *   node build/backend/sim/cluster/run.js --scenario pause-holder/none --verbose
 *
 * Exit 0 when every invariant held, 1 with the seed and the violations otherwise.
 */
import { healAll, inject, type RequestRecord } from './faults';
import { randomScenario, SCENARIOS, type Scenario } from './scenarios';
import { simClusterConfig } from './setup';
import type { Violation } from './truth';
import { World } from './world';

export interface RunResult {
  scenario: string;
  seed: number;
  violations: Violation[];
  /** Scenario-specific expectations that did not hold. */
  failures: string[];
  notes: string[];
  requests: RequestRecord[];
  starts: number;
  /** Virtual ms from the heal until every group that should run did. */
  recoveryMs: number | null;
}

export async function runScenario(s: Scenario, seed: number, verbose = false): Promise<RunResult> {
  const world = new World({ config: simClusterConfig(s.setup), seed, verbose });
  const requests: RequestRecord[] = [];
  for (const h of world.allHosts()) {
    world.clock.setTimer(Math.floor(world.rand() * 300), () => h.boot());
  }
  for (const f of s.faults) {
    world.clock.setTimer(f.at, () => inject(world, f.fault, requests));
  }
  world.clock.setTimer(s.healAt, () => healAll(world));
  // The desired state lives in the agents (it is not kept on disk): once no agent runs, the
  // operators' words are forgotten and the cluster starts from the configuration again.
  let outageAt = -1;
  const watchOutage = () => {
    if (world.allHosts().every((h) => !h.agentUp)) {
      outageAt = world.clock.now();
    }
    world.clock.setTimer(50, watchOutage);
  };
  world.clock.setTimer(0, watchOutage);
  // Who knew each operator's word: the controllers (one per agent run) that had it. A word
  // whose every knower ended (killed, stopped, powered off) before it reached another agent
  // is forgotten, as when every agent is down (seed 9393: the only agent that heard a stop,
  // the partition winner, was powered off; the others had been cut off or stopped).
  const knowers = new Map<RequestRecord, Set<object>>();
  const forgotten = new Set<RequestRecord>();
  const watchWords = () => {
    for (const r of requests) {
      const word = r.request.op === 'stop' ? 'stopped' : r.request.op === 'restart' ? null : 'started';
      if (!r.outcome?.ok || word === null || forgotten.has(r)) {
        continue;
      }
      const known = knowers.get(r) ?? new Set<object>();
      knowers.set(r, known);
      const live = world.allHosts().filter((h) => h.agentUp && h.controller !== null);
      for (const h of live.filter((x) => x.controller!.operatorWord(r.request.group) === word)) {
        known.add(h.controller!);
      }
      if (!live.some((h) => known.has(h.controller!))) {
        forgotten.add(r);
      }
    }
    world.clock.setTimer(50, watchWords);
  };
  world.clock.setTimer(0, watchWords);
  const failures: string[] = [];
  for (const c of s.checks ?? []) {
    world.clock.setTimer(c.at, () => failures.push(...c.check(world)));
  }
  /**
   * What the requests made of each group: run, stay stopped, or either (the answer never
   * came back, so the operator cannot know whether it was carried out: seed 2677).
   */
  const verdicts = () => {
    const v = new Map<string, 'run' | 'stop' | 'either'>(
      world.config.groups.filter((g) => g.autoStart).map((g) => [g.name, 'run'])
    );
    // In the order the answers came: of two concurrent requests, the later answer is the last word.
    const done = (x: RequestRecord) => x.doneAt ?? Infinity;
    const removals = (r: RequestRecord) => world.removals.filter((x) => x.group === r.request.group);
    const effective = requests
      .filter((x) => x.at > outageAt && !removals(x).some((m) => x.at < m.from))
      .sort((a, b) => done(a) - done(b));
    for (const r of effective) {
      const g = r.request.group;
      // Made while a removal was reaching the agents: carried out before or after it there,
      // so forgotten with the group or not.
      if (removals(r).some((m) => r.at <= m.until)) {
        v.set(g, 'either');
        continue;
      }
      if (forgotten.has(r)) {
        v.set(g, 'either'); // the agents follow an older word they still know, or the configuration
        continue;
      }
      const unknown = r.outcome === undefined && (r.error === undefined || r.error.includes('did not answer'));
      if (r.outcome?.ok) {
        v.set(g, r.request.op === 'stop' ? 'stop' : 'run');
      } else if (unknown && (r.request.op === 'stop') === (v.get(g) !== 'stop')) {
        v.set(g, 'either');
      }
    }
    return v;
  };
  const groupsThat = (verdict: 'run' | 'stop') => [...verdicts()].filter(([, x]) => x === verdict).map(([g]) => g);
  const shouldRun = () => groupsThat('run');
  const available = () =>
    shouldRun().every((g) => {
      const on = world.truth.activeOn(g);
      return on.length === 1 && world.host(on[0]).fullyActive(g);
    });
  // Watch recovery after the heal, up to the bound.
  let recoveryMs: number | null = null;
  await world.runUntil(s.healAt);
  // Until everything that should run has run for 2 s on end, at most the bound.
  const STEADY_MS = 2000;
  for (let t = s.healAt; t <= s.healAt + s.boundMs; t += 100) {
    await world.runUntil(t);
    if (!available()) {
      recoveryMs = null;
    } else if (recoveryMs === null) {
      recoveryMs = t - s.healAt;
    } else if (t - s.healAt - recoveryMs >= STEADY_MS && (s.checks ?? []).every((c) => c.at < t)) {
      break;
    }
  }
  for (const g of shouldRun()) {
    world.truth.checkAvailable(g, (h) => world.host(h).fullyActive(g), `${s.boundMs} ms after every fault healed`);
  }
  for (const g of groupsThat('stop')) {
    const on = world.truth.activeOn(g);
    if (on.length > 0) {
      failures.push(`${g} is active on [${on.join(', ')}] although an operator stopped it last`);
    }
  }
  failures.push(...(s.expect ? s.expect(world, requests) : []));
  return {
    scenario: s.name,
    seed,
    violations: world.truth.violations,
    failures,
    notes: world.notes,
    requests,
    starts: world.truth.starts,
    recoveryMs,
  };
}

export function report(r: RunResult): string {
  const lines = [
    `${r.scenario} seed=${r.seed}: ${r.violations.length} violation(s), ${r.failures.length} failed expectation(s), ${r.starts} resource starts, recovered ${r.recoveryMs === null ? 'never' : `${r.recoveryMs} ms`} after the heal`,
    ...r.violations.map((v) => `  VIOLATION ${v.kind} at ${(v.at / 1000).toFixed(3)} s: ${v.detail}`),
    ...r.failures.map((f) => `  FAILED ${f}`),
  ];
  return lines.join('\n');
}

async function main(argv: string[]) {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes('--help')) {
    process.stdout.write(
      'usage: run.js [--seed N] [--scenario NAME] [--verbose]\nscenarios: ' + Object.keys(SCENARIOS).join(', ') + '\n'
    );
    return 0;
  }
  const name = arg('--scenario');
  const given = arg('--seed');
  const s = name ? SCENARIOS[name] : randomScenario(Number(given ?? 1));
  if (!s) {
    process.stderr.write(`no scenario is named "${name}"\n`);
    return 2;
  }
  const seed = Number(given ?? s.seed ?? 1);
  const r = await runScenario(s, seed, argv.includes('--verbose'));
  if (argv.includes('--verbose')) {
    process.stdout.write(r.notes.join('\n') + '\n');
    for (const q of r.requests) {
      process.stdout.write(
        `request via ${q.via} ${JSON.stringify(q.request)}: ${q.outcome ? `${q.outcome.ok ? 'ok' : 'failed'} ${q.outcome.detail}` : q.error}\n`
      );
    }
  }
  process.stdout.write(report(r) + '\n');
  return r.violations.length + r.failures.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(3);
    }
  );
}
