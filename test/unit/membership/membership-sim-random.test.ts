// Seeded random schedules of loss, cuts and jitter on the simulated network, checking the
// invariants failure detection must keep whatever the network does:
//   1. a server that keeps one working path to an observer never leaves `online` for it;
//   2. a server cut off entirely is down for everyone within timeout + interval of the cut
//      (exactly: one timeout after the last heartbeat that got through), and sees everyone
//      down in turn;
//   3. nobody is ever declared down while a heartbeat from it arrived within the timeout
//      (checked against the network's own delivery log, not the core's evidence);
//   4. a state is always what the evidence it carries says (classifyServer agrees).
// 200 seeds here; bench/ is the place for a 10,000-seed run.
import { classifyServer, isLanSilent, timingFor, type TransitionEvent } from '../../../backend/membership';
import { SimCluster } from './sim/cluster';
import { randInt } from '../../support/prng';

const INTERVAL = 100;
const TIMEOUT = 500;
const SEEDS = 200;

interface Outcome {
  failures: string[];
  detectionMs: number[];
}

function runSeed(seed: number): Outcome {
  const c = new SimCluster({ seed, intervalMs: INTERVAL, timeoutMs: TIMEOUT });
  const { rand, net, clock } = c;
  const failures: string[] = [];
  net.latency = () => randInt(rand, 1, 5);

  const order = [...c.names].sort(() => rand() - 0.5);
  const [target, p, q] = order;
  const kept = randInt(rand, 0, 1);
  const cutAt = randInt(rand, 1000, 4000);
  const endAt = cutAt + 3000;
  const protectedLink = (ic: number, a: string, b: string) =>
    ic === kept && ((a === p && b === q) || (a === q && b === p));
  const isTargetLink = (a: string, b: string) => a === target || b === target;

  // Chaos: every 50..300 ms, cut or restore a random link or change a direction's loss.
  const chaos = () => {
    const ic = randInt(rand, 0, 1);
    const a = c.names[randInt(rand, 0, 2)];
    const b = c.names.filter((n) => n !== a)[randInt(rand, 0, 1)];
    const afterCut = clock.now() >= cutAt;
    if (!protectedLink(ic, a, b) && !(afterCut && isTargetLink(a, b))) {
      if (rand() < 0.5) {
        net.setLink(ic, a, b, rand() < 0.5);
      } else {
        net.setLoss(ic, a, b, rand() < 0.3 ? 0 : rand() * 0.6);
      }
    }
    if (clock.now() < endAt) {
      clock.setTimer(randInt(rand, 50, 300), chaos);
    }
  };
  clock.setTimer(randInt(rand, 0, 300), chaos);
  clock.setTimer(cutAt, () => net.setServer(target, false));

  // The oracle: when each observer last received anything from each server.
  const deliveries = new Map<string, number[]>();
  net.onDeliver((s) => {
    const k = `${s.to}<${s.from}`;
    const list = deliveries.get(k) ?? [];
    list.push(s.at);
    deliveries.set(k, list);
  });

  c.startAll();
  c.run(endAt);

  const ts = (observer: string, server: string) => c.transitions(observer, server);
  // 1. The kept path.
  for (const [o, s] of [
    [p, q],
    [q, p],
  ]) {
    const seen = ts(o, s);
    if (seen.length !== 1 || seen[0].to !== 'online') {
      failures.push(
        `${o} saw ${s} (kept path on interconnect ${kept}) go ${seen.map((t) => `${t.to}@${t.at}`).join(', ')}`
      );
    }
  }
  // 2. The cut server, from both sides.
  const detectionMs: number[] = [];
  for (const [o, s] of [
    [p, target],
    [q, target],
    [target, p],
    [target, q],
  ]) {
    const down = ts(o, s).find((t) => t.at >= cutAt && isLanSilent(t.to) && !isLanSilent(t.from));
    const wasDown = isLanSilent([...ts(o, s)].reverse().find((t) => t.at < cutAt)?.to ?? 'suspect');
    const when = wasDown ? cutAt : down?.at;
    if (when === undefined || when > cutAt + TIMEOUT + INTERVAL) {
      failures.push(`${o} did not see the cut ${s} down by ${cutAt + TIMEOUT + INTERVAL} (cut at ${cutAt})`);
    } else {
      detectionMs.push(when - cutAt);
    }
    if (!isLanSilent(c.state(o, s))) {
      failures.push(`${o} sees the cut ${s} as ${c.state(o, s)} at the end`);
    }
  }
  // 3. Never down while heard within the timeout. 4. Every state matches its evidence.
  const timing = timingFor(c.config);
  for (const r of c.events) {
    const e = r.event as TransitionEvent;
    if (e.type === 'transition' && classifyServer(e.evidence.paths, e.evidence.bmc, timing).state !== e.to) {
      failures.push(`${r.observer}: transition of ${e.server} to ${e.to} at ${e.at} disagrees with its evidence`);
    }
    if (e.type === 'transition' && isLanSilent(e.to) && !isLanSilent(e.from)) {
      // Strictly before: a datagram delivered at the very instant of the timeout is a tie
      // the core resolves either way (it is processed after the timer, and revives the peer).
      const heard = (deliveries.get(`${r.observer}<${e.server}`) ?? []).filter((t) => t > e.at - TIMEOUT && t < e.at);
      if (heard.length > 0) {
        failures.push(`${r.observer} declared ${e.server} ${e.to} at ${e.at} but heard it at ${heard.join(', ')}`);
      }
    }
  }
  return { failures, detectionMs };
}

describe(`membership under ${SEEDS} seeded random loss and partition schedules`, () => {
  test('the invariants hold for every seed', () => {
    const failures: string[] = [];
    const detection: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = runSeed(seed);
      failures.push(...r.failures.map((f) => `seed ${seed}: ${f}`));
      detection.push(...r.detectionMs);
    }
    expect(failures).toEqual([]);
    // Detection after a cut is at most one timeout (the last arrival precedes the cut).
    expect(Math.max(...detection)).toBeLessThanOrEqual(TIMEOUT);
  });

  test('a seed replays exactly', () => {
    const a = new SimCluster({ seed: 42 });
    const b = new SimCluster({ seed: 42 });
    for (const c of [a, b]) {
      c.net.latency = () => randInt(c.rand, 1, 20);
      c.net.setLoss(0, 'server1', 'server2', 0.5);
      c.startAll();
      c.run(5000);
    }
    expect(JSON.stringify(a.events)).toEqual(JSON.stringify(b.events));
  });
});
