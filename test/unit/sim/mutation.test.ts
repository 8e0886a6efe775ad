// Mutation check of the simulation: with the watchdog deadline removed (winners take a
// silent server's groups at once), the loser's slow stop overlaps the winners' start, and
// the simulation must see it. A simulation that passed here would prove nothing.
import { runScenario } from '../../../backend/sim/cluster/run';
import { SCENARIOS } from '../../../backend/sim/cluster/scenarios';

jest.mock('../../../backend/protection/silence', () => ({
  ...jest.requireActual('../../../backend/protection/silence'),
  takeoverDelayMs: () => 0,
}));

test('taking over before the watchdog deadline is caught as a group running twice', async () => {
  const r = await runScenario(SCENARIOS['partition-slow-stop/watchdog'], 1);
  expect(r.violations.filter((v) => v.kind === 'twice').length).toBeGreaterThan(0);
});
