// The state machine as a table: evidence in, state out.
import { bmcEvidence, classifyServer, type PathEvidence, type Timing } from '../../../backend/membership';

const T: Timing = { intervalMs: 100, timeoutMs: 500, suspectAfterMs: 250, bmcMaxAgeMs: 1500 };

function path(state: PathEvidence['state'], silenceMs: number, interconnect = 0): PathEvidence {
  return {
    interconnect,
    state,
    fresh: state === 'up' && silenceMs < T.suspectAfterMs,
    lastHeardAt: state === 'pending' ? null : 10_000 - silenceMs,
    silenceMs,
  };
}

const NOW = 10_000;
const noBmc = bmcEvidence(false, null, null, NOW, T);
const bmc = (reachable: boolean, power: 'on' | 'off' | 'unknown', at = NOW - 10, lastHeardAt = NOW - 600) =>
  bmcEvidence(true, { reachable, power, at }, lastHeardAt, NOW, T);

describe('server state from evidence', () => {
  test.each([
    ['one fresh path', [path('up', 10), path('up', 400, 1)], noBmc, 'online'],
    ['one fresh path, the other down', [path('up', 10), path('down', 900, 1)], noBmc, 'online'],
    ['one fresh path, the other never heard', [path('up', 10), path('pending', 100, 1)], noBmc, 'online'],
    ['all paths quiet but not timed out', [path('up', 300), path('up', 260, 1)], noBmc, 'suspect'],
    ['quiet path and a down one', [path('up', 300), path('down', 600, 1)], noBmc, 'suspect'],
    ['never heard, just started', [path('pending', 100), path('pending', 100, 1)], noBmc, 'suspect'],
    ['all down, no BMC', [path('down', 600), path('down', 600, 1)], noBmc, 'unknown'],
    ['all down, power off', [path('down', 600), path('down', 600, 1)], bmc(true, 'off'), 'offline-confirmed'],
    ['all down, power on', [path('down', 600), path('down', 600, 1)], bmc(true, 'on'), 'hung-or-partitioned'],
    ['all down, BMC unreachable', [path('down', 600)], bmc(false, 'unknown'), 'unknown'],
    ['all down, power unknown', [path('down', 600)], bmc(true, 'unknown'), 'unknown'],
    ['all down, reading before the last heartbeat', [path('down', 600)], bmc(true, 'off', NOW - 700), 'unknown'],
    ['all down, reading too old', [path('down', 2000)], bmc(true, 'off', NOW - 1500, NOW - 2000), 'unknown'],
    ['power off but a path is fresh', [path('up', 10)], bmc(true, 'off'), 'online'],
  ] as const)('%s -> %s', (_name, paths, bmcEv, expected) => {
    const r = classifyServer([...paths], bmcEv, T);
    expect(r.state).toBe(expected);
    expect(r.evidence.paths).toEqual(paths);
    expect(r.evidence.reason.length).toBeGreaterThan(10);
  });

  test('BMC evidence: current only if after the last heartbeat and younger than bmcMaxAgeMs', () => {
    expect(bmcEvidence(true, { reachable: true, power: 'on', at: 100 }, 50, 200, T)).toEqual({
      configured: true,
      report: { reachable: true, power: 'on', at: 100 },
      current: true,
      ageMs: 100,
    });
    expect(bmcEvidence(true, { reachable: true, power: 'on', at: 100 }, 100, 200, T).current).toBe(false);
    expect(bmcEvidence(true, { reachable: true, power: 'on', at: 100 }, null, 100 + T.bmcMaxAgeMs, T).current).toBe(
      false
    );
    expect(bmcEvidence(false, { reachable: true, power: 'on', at: 100 }, null, 200, T).current).toBe(false);
  });

  test('reasons say why', () => {
    const down = [path('down', 600)];
    expect(classifyServer(down, noBmc, T).evidence.reason).toBe(
      'no heartbeat on any path for 0.500 s or more; no BMC configured'
    );
    expect(classifyServer([path('up', 10), path('down', 600, 1)], noBmc, T).evidence.reason).toBe(
      'heard on interconnect 0; interconnect 1 down'
    );
    expect(classifyServer([path('pending', 120)], noBmc, T).evidence.reason).toBe(
      'not heard yet since this agent started 0.120 s ago'
    );
  });
});
