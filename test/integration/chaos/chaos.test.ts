/**
 * Issue 9's chaos sample on real agents (test/support/chaos/rounds.ts): six random fault
 * rounds, one of each kind (SIGSTOP/SIGCONT of a holder, SIGKILL and restart of a holder,
 * one interconnect of a server cut, a holder cut off both interconnects, two operator
 * requests at once through two agents, a move to a server whose start fails), in an order
 * drawn from the seed; the cluster heals between rounds and the ledger is checked after
 * each. CHAOS_SEED replays a run, CHAOS_ROUNDS changes the count, CHAOS_KINDS limits the
 * fault kinds (comma-separated), CHAOS_MODE picks fencing (default), watchdog or none.
 * A failure names the seed and the round.
 * `npm run bench -- chaos` runs 30 rounds and reports takeover times.
 */
import { createRig, type Rig } from '../../support/chaos/rig';
import { CHAOS_GROUPS, heal, kindsFromEnv, runRound, schedule } from '../../support/chaos/rounds';
import { chaosMode, modeOptions } from '../../support/chaos/modes';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const rounds = Number(process.env.CHAOS_ROUNDS ?? 6);
const mode = chaosMode();
let rig: Rig;

beforeAll(async () => {
  process.stdout.write(`[chaos] seed ${seed}, ${rounds} rounds, mode ${mode} (replay: CHAOS_SEED=${seed})\n`);
  rig = await createRig({ name: 'chaos-rounds', groups: CHAOS_GROUPS, ...modeOptions(mode) });
  await rig.start();
  await heal(rig);
}, 90_000);

afterAll(async () => {
  await rig?.destroy();
});

test(`${rounds} random fault rounds: no group ever runs twice, every group back on one server after each heal`, async () => {
  const { rand, kinds } = schedule(seed, rounds, kindsFromEnv());
  for (let round = 1; round <= rounds; round++) {
    const r = await runRound(rig, rand, seed, round, kinds[round - 1]);
    process.stdout.write(
      `[chaos] round ${round} ${r.kind}: ${r.detail}; takeovers ${r.takeovers.map((t) => `${t.group} ${t.from}->${t.to} ${t.ms} ms`).join(', ') || 'none'}; healed in ${r.healMs} ms\n`
    );
    if (r.overlaps.length > 0) {
      throw new Error(
        `seed ${seed} round ${round} (${r.kind}: ${r.detail}): ${r.overlaps.length} overlap(s)\n` +
          `${r.overlaps.map((o) => o.evidence).join('\n')}\n\n${rig.diagnostics()}\nreplay: CHAOS_SEED=${seed}`
      );
    }
  }
}, 240_000);
