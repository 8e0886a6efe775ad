/**
 * Scenarios: the named ones (each case that once ran a group twice on real agents, and a
 * few more), and one random scenario per seed for the long runs.
 */
import type { GroupRequest } from '../../controller/request';
import type { SettleMode } from '../../protection/silence';
import { prng, randInt } from '../prng';
import type { Fault, RequestRecord } from './faults';
import type { SimSetup } from './setup';
import type { World } from './world';

export interface Scenario {
  name: string;
  setup: SimSetup;
  faults: Array<{ at: number; fault: Fault }>;
  healAt: number;
  /** How long after the heal every group that should run must run. */
  boundMs: number;
  /** Checked at the end. */
  expect?: (world: World, requests: RequestRecord[]) => string[];
  /** Checked at virtual time `at`, during the faults. */
  checks?: Array<{ at: number; check: (world: World) => string[] }>;
  /** The seed it runs with (boot times, latencies, script durations); 1 unless given. */
  seed?: number;
}

const BOUND_MS = 20_000;
const MODES: SettleMode[] = ['fencing', 'watchdog', 'none'];

function req(via: string, request: Omit<GroupRequest, 'requestedBy'>): { via: string; request: GroupRequest } {
  return { via, request: { ...request, requestedBy: `sim:${via}` } };
}

function expectOn(world: World, group: string, hosts: string[], when: string): string[] {
  const on = world.truth.activeOn(group).sort();
  return String(on) === String([...hosts].sort()) ? [] : [`${when}: ${group} active on [${on}], expected [${hosts}]`];
}

function modeScenarios(base: string, make: (mode: SettleMode) => Omit<Scenario, 'name'>): Record<string, Scenario> {
  return Object.fromEntries(MODES.map((m) => [`${base}/${m}`, { name: `${base}/${m}`, ...make(m) }]));
}

const three = (mode: SettleMode, groups = 1): SimSetup => ({ servers: 3, groups, mode });

export const SCENARIOS: Record<string, Scenario> = {
  // Case 1: two start requests at the same moment through two agents.
  'concurrent-start': {
    name: 'concurrent-start',
    setup: three('none'),
    faults: [
      { at: 3000, fault: { kind: 'requests', requests: [req('server1', { op: 'stop', group: 'g0' })] } },
      {
        at: 5000,
        fault: {
          kind: 'requests',
          requests: [
            req('server2', { op: 'start', group: 'g0', server: 'server2' }),
            req('server3', { op: 'start', group: 'g0', server: 'server3' }),
          ],
        },
      },
    ],
    healAt: 8000,
    boundMs: 2000,
    expect: (_w, requests) => {
      const starts = requests.filter((r) => r.request.op === 'start' && r.outcome?.ok);
      return starts.length === 1 ? [] : [`${starts.length} of the two concurrent starts succeeded, expected 1`];
    },
  },
  // Case 2: the holder freezes longer than the timeout, then resumes.
  ...modeScenarios('pause-holder', (mode) => ({
    setup: three(mode),
    faults: [{ at: 3000, fault: { kind: 'pause', host: 'server1', ms: 4000 } }],
    healAt: 10_000,
    boundMs: BOUND_MS,
  })),
  // Case 3: a real partition while the holder's stop scripts are slow.
  ...modeScenarios('partition-slow-stop', (mode) => ({
    setup: three(mode),
    faults: [
      { at: 2000, fault: { kind: 'slow', host: 'server1', factor: 10 } },
      { at: 3000, fault: { kind: 'partition', side: ['server1'] } },
    ],
    healAt: 15_000,
    boundMs: BOUND_MS,
  })),
  // Case 4: a start script launches its daemon, then fails.
  'failed-start-daemon': {
    name: 'failed-start-daemon',
    setup: three('none'),
    faults: [
      { at: 0, fault: { kind: 'fail-start', host: 'server1', group: 'g0' } },
      {
        at: 4000,
        fault: { kind: 'requests', requests: [req('server3', { op: 'start', group: 'g0', server: 'server2' })] },
      },
    ],
    healAt: 8000,
    boundMs: 2000,
    expect: (w) => expectOn(w, 'g0', ['server2'], 'end'),
  },
  // Case 5: a failed move falls back through the next startup servers, last the origin.
  'failed-move-next': {
    name: 'failed-move-next',
    setup: three('none'),
    faults: [
      { at: 3000, fault: { kind: 'fail-start', host: 'server2', group: 'g0' } },
      {
        at: 4000,
        fault: { kind: 'requests', requests: [req('server3', { op: 'move', group: 'g0', server: 'server2' })] },
      },
    ],
    healAt: 8000,
    boundMs: 2000,
    expect: (w) => expectOn(w, 'g0', ['server3'], 'end'),
  },
  'failed-move-origin': {
    name: 'failed-move-origin',
    setup: three('none'),
    faults: [
      { at: 3000, fault: { kind: 'fail-start', host: 'server2', group: 'g0' } },
      { at: 3000, fault: { kind: 'fail-start', host: 'server3', group: 'g0' } },
      {
        at: 4000,
        fault: { kind: 'requests', requests: [req('server2', { op: 'move', group: 'g0', server: 'server2' })] },
      },
    ],
    healAt: 8000,
    boundMs: 2000,
    expect: (w) => expectOn(w, 'g0', ['server1'], 'end'),
  },
  // Case 6: the holder's agent is SIGKILLed; its daemon keeps running.
  ...modeScenarios('kill-holder', (mode) => ({
    setup: three(mode),
    faults: [{ at: 3000, fault: { kind: 'kill', host: 'server1' } }],
    healAt: 10_000,
    boundMs: BOUND_MS,
    // Without fencing or watchdog nothing proves the daemon stopped: no takeover.
    checks: [
      { at: 9000, check: (w) => expectOn(w, 'g0', [mode === 'none' ? 'server1' : 'server2'], 'before the heal') },
    ],
  })),
  // Fencing cannot reach the BMC: no takeover, whatever the wait.
  'kill-holder-bmc-down': {
    name: 'kill-holder-bmc-down',
    setup: three('fencing'),
    faults: [
      { at: 2500, fault: { kind: 'bmc-down', host: 'server1' } },
      { at: 3000, fault: { kind: 'kill', host: 'server1' } },
    ],
    healAt: 10_000,
    boundMs: BOUND_MS,
    checks: [{ at: 9000, check: (w) => expectOn(w, 'g0', ['server1'], 'before the heal') }],
  },
  // One-way loss on every LAN: server2 stops hearing server1, which still hears it.
  ...modeScenarios('one-way', (mode) => ({
    setup: three(mode),
    faults: [0, 1].map((ic) => ({
      at: 3000,
      fault: { kind: 'one-way' as const, interconnect: ic, from: 'server1', to: 'server2' },
    })),
    healAt: 12_000,
    boundMs: BOUND_MS,
  })),
  // Live reconfiguration: a revision removes the running group, the next one adds it back
  // while the holder is still stopping it (slow scripts), each reaching the agents at its own
  // moment: the group never runs twice and is back on one server.
  ...modeScenarios('revision-remove-readd', (mode) => ({
    setup: three(mode, 2),
    faults: [
      { at: 2000, fault: { kind: 'slow', host: 'server1', factor: 8 } },
      { at: 3000, fault: { kind: 'revision', without: ['g0'], longer: ['g1'], skewMs: 300 } },
      { at: 4000, fault: { kind: 'revision', without: [], longer: [], skewMs: 300 } },
    ],
    healAt: 16_000,
    boundMs: BOUND_MS,
    // Slow scripts (8x): the stop of the removal, then the start of the re-added group, take seconds.
    checks: [
      {
        at: 15_000,
        check: (w) =>
          w.truth.activeOn('g0').length === 1 ? [] : [`g0 active on [${w.truth.activeOn('g0')}] after the revisions`],
      },
    ],
  })),
  // The holder is cut off, then a revision removes its group on the other side only: at the
  // heal, the initial revision adds it back everywhere and it runs on one server.
  ...modeScenarios('revision-while-partitioned', (mode) => ({
    setup: three(mode, 2),
    faults: [
      { at: 3000, fault: { kind: 'partition', side: ['server1'] } },
      { at: 3500, fault: { kind: 'revision', without: ['g0'], longer: ['g1'], skewMs: 100 } },
    ],
    healAt: 12_000,
    boundMs: BOUND_MS,
  })),
  // A storm of recovery requests for one error, through every agent at once: one move.
  'trap-storm': {
    name: 'trap-storm',
    setup: three('none'),
    faults: [
      {
        at: 3000,
        fault: {
          kind: 'requests',
          requests: ['server1', 'server2', 'server3'].map((via) =>
            req(via, { op: 'move', group: 'g0', from: 'server1', event: 'FAILOVER' })
          ),
        },
      },
    ],
    healAt: 6000,
    boundMs: 2000,
    expect: (w, requests) => {
      const moved = requests.filter((r) => r.outcome?.ok).length;
      return [
        ...(moved === 1 ? [] : [`${moved} moves for one error, expected 1`]),
        ...expectOn(w, 'g0', ['server2'], 'end'),
      ];
    },
  },
  // Seed 190: a revision removes every group while server3's slow scripts still stop g2; the
  // next one adds them back before that stop is done. server3 must announce g2 held again as
  // soon as its new group list has a bit for it, or the decider starts g2 beside it.
  'revision-readd-while-stopping': { ...randomScenario(190), name: 'revision-readd-while-stopping', seed: 190 },
  // Seed 6287, made deterministic: the decider (slowed down 9x) moves g0 to itself; the network
  // cuts it off just after g0 stopped on server2, before its own start is announced. The
  // winners, who never heard of that start, start g0 too while the loser's slow start and stop
  // run. A start now runs no resource until every peer heard has confirmed its announcement
  // (membership/confirmation.ts): nobody confirms here, and the loser starts nothing. Without
  // that gate every cut 385..406 ms after the request ran g0 twice.
  ...modeScenarios('move-start-into-a-cut', (mode) => ({
    setup: { servers: 3, groups: 1, mode },
    faults: [
      {
        at: 3000,
        fault: { kind: 'requests', requests: [req('server2', { op: 'move', group: 'g0', server: 'server2' })] },
      },
      { at: 5000, fault: { kind: 'slow', host: 'server1', factor: 9 } },
      {
        at: 6000,
        fault: { kind: 'requests', requests: [req('server1', { op: 'move', group: 'g0', server: 'server1' })] },
      },
      { at: 6395, fault: { kind: 'partition', side: ['server1'] } },
    ],
    healAt: 12_000,
    boundMs: BOUND_MS,
  })),
  // Seed 9393's faults: the only agent that heard an operator's stop (the partition winner,
  // alone: server1's agent is stopped, server3 cut off) is powered off before any other agent
  // hears it; the word is forgotten with it (run.ts), and the cluster starts g0 again from the
  // configuration. It must still never run twice.
  'operator-word-dies-with-its-knower': {
    name: 'operator-word-dies-with-its-knower',
    ...replay(9393, { servers: 3, groups: 2, mode: 'watchdog' }, [
      [8602, { kind: 'requests', requests: [req('server3', { op: 'move', group: 'g0', server: 'server2' })] }],
      [12997, { kind: 'stop-agent', host: 'server1' }],
      [22446, { kind: 'partition', side: ['server1', 'server2'] }],
      [24448, { kind: 'requests', requests: [req('server2', { op: 'stop', group: 'g0' })] }],
      [25586, { kind: 'power-off', host: 'server2' }],
    ]),
  },
  // Groups left stopped with nobody to start them again, each once found by a random seed
  // (the faults of that seed, run with it). Every server now knows what should run (the
  // desired state, groups/desired.ts), and the decider starts a wanted group that runs nowhere.
  ...named({
    //
    // A server fenced while it held g1 comes back at the heal and releases it as a leftover,
    // announcing it for a moment, while g1's holder (cut off since, its fencing failing until
    // the heal) is fenced: the releaser looked like the last holder, stopping deliberately, and
    // dropped its own wish to restart g1, which it saw held by the server fenced a moment later.
    'leftover-holder-fenced': replay(2082, { servers: 3, groups: 3, mode: 'fencing' }, [
      [6856, { kind: 'fence-fails', host: 'server3' }],
      [15046, { kind: 'kill', host: 'server2' }],
      [18000, { kind: 'bmc-down', host: 'server1' }],
      [29621, { kind: 'partition', side: ['server3'] }],
    ]),
    // The partition loser stops g0 and would ask for it again on rejoining, but is fenced
    // (its fencing failed until the heal) before it rejoins: the wish dies with its power.
    'partition-loser-fenced': replay(5152, { servers: 3, groups: 2, mode: 'fencing' }, [
      [3372, { kind: 'fence-fails', host: 'server2' }],
      [24045, { kind: 'fence-fails', host: 'server1' }],
      [24887, { kind: 'one-way', interconnect: 0, from: 'server3', to: 'server1' }],
      [25599, { kind: 'loss', interconnect: 1, from: 'server3', to: 'server1', p: 0.3232685153838247 }],
      [
        26021,
        {
          kind: 'requests',
          requests: [req('server1', { op: 'move', group: 'g0' }), req('server2', { op: 'stop', group: 'g1' })],
        },
      ],
      [28298, { kind: 'partition', side: ['server1', 'server3'] }],
    ]),
    // A clean stop moves g2 away, the move fails (its holder's heartbeats still announce it),
    // and the agent is killed before it writes down that g2 should run again.
    'stop-agent-killed-mid-move': replay(3377, { servers: 3, groups: 3, mode: 'none' }, [
      [6020, { kind: 'stop-agent', host: 'server3' }],
      [6405, { kind: 'kill', host: 'server3' }],
      [23948, { kind: 'stop-agent', host: 'server3' }],
      [26787, { kind: 'partition', side: ['server2', 'server3'] }],
    ]),
    // The automatic start of g1 fails on its first server, once per run of the decider, and
    // was never tried on the next one nor again after the heal.
    'auto-start-fails-first': replay(4116, { servers: 2, groups: 4, mode: 'watchdog' }, [
      [
        10469,
        {
          kind: 'requests',
          requests: [
            req('server1', { op: 'move', group: 'g0', server: 'server2' }),
            req('server1', { op: 'start', group: 'g2' }),
            req('server2', { op: 'stop', group: 'g0' }),
          ],
        },
      ],
      [13165, { kind: 'fail-start', host: 'server2', group: 'g1' }],
      [16059, { kind: 'kill', host: 'server2' }],
      [26950, { kind: 'kill', host: 'server1' }],
      [27741, { kind: 'loss', interconnect: 0, from: 'server1', to: 'server2', p: 0.5844354836270214 }],
    ]),
    // The takeover of g3 fails on the only other server: given up, never tried after the heal.
    'takeover-fails-once': replay(6144, { servers: 2, groups: 4, mode: 'watchdog' }, [
      [13433, { kind: 'fence-fails', host: 'server2' }],
      [22837, { kind: 'fail-start', host: 'server1', group: 'g3' }],
      [26716, { kind: 'slow', host: 'server1', factor: 5 }],
      [26759, { kind: 'kill', host: 'server2' }],
    ]),
    // An operator's move of g0 fails on every server: the decider that stopped it kept no
    // wish to start it again.
    'move-fails-everywhere': replay(5775, { servers: 2, groups: 2, mode: 'watchdog' }, [
      [2518, { kind: 'loss', interconnect: 0, from: 'server1', to: 'server2', p: 0.7346027566585689 }],
      [4715, { kind: 'slow', host: 'server1', factor: 4 }],
      [6439, { kind: 'cut-link', interconnect: 1, a: 'server2', b: 'server1' }],
      [21011, { kind: 'requests', requests: [req('server2', { op: 'move', group: 'g0', server: 'server2' })] }],
      [22054, { kind: 'fail-start', host: 'server1', group: 'g0' }],
      [28329, { kind: 'cut-link', interconnect: 1, a: 'server1', b: 'server2' }],
    ]),
    // A server fenced while it held g2 comes back with it in its state directory and asked
    // for it again, although an operator had stopped g2 meanwhile: the operator's word is
    // newer, and the group must stay stopped (the oracle checks that too).
    'rejoin-after-operator-stop': replay(20090, { servers: 4, groups: 4, mode: 'fencing' }, [
      [5204, { kind: 'slow', host: 'server1', factor: 10 }],
      [11812, { kind: 'kill', host: 'server1' }],
      [16471, { kind: 'kill', host: 'server3' }],
      [
        25306,
        {
          kind: 'requests',
          requests: [req('server3', { op: 'move', group: 'g1' }), req('server4', { op: 'stop', group: 'g2' })],
        },
      ],
    ]),
    // The agent asked to stop g1 is frozen, then reset by its watchdog, before the decider's
    // answer (stopped) reaches it: the operator never learns the outcome, so g1 stopped and
    // g1 running are both right (the oracle does not count it as unavailable).
    'stop-answer-lost': replay(2677, { servers: 4, groups: 4, mode: 'watchdog' }, [
      [
        14839,
        {
          kind: 'requests',
          requests: [
            req('server3', { op: 'stop', group: 'g1' }),
            req('server4', { op: 'stop', group: 'g0' }),
            req('server2', { op: 'move', group: 'g1' }),
          ],
        },
      ],
      [15160, { kind: 'pause', host: 'server3', ms: 3639 }],
      [27719, { kind: 'fail-start', host: 'server2', group: 'g1' }],
    ]),
    // The decider freezes while it stops g2 for an operator; the next decider must not start
    // g2 again meanwhile: the stop is announced as the operator's word before it is carried out.
    'decider-paused-mid-stop': replay(30114, three('none', 3), [
      [
        10706,
        {
          kind: 'requests',
          requests: [
            req('server1', { op: 'stop', group: 'g2' }),
            req('server3', { op: 'move', group: 'g2', server: 'server1' }),
          ],
        },
      ],
      [11111, { kind: 'pause', host: 'server1', ms: 3795 }],
      [16766, { kind: 'bmc-down', host: 'server2' }],
      [21271, { kind: 'requests', requests: [req('server2', { op: 'stop', group: 'g0' })] }],
    ]),
    // A killed holder comes back and announces its leftovers g1 and g2 as it starts stopping
    // them, in two heartbeats sent at once; the older one ([g1]) arrived last, and the decider,
    // reading g2 as free, started it while the leftover still ran. Only the newest round of a
    // peer counts now (membership.ts).
    'leftover-heartbeats-reordered': replay(30232, three('none', 3), [
      [
        5193,
        {
          kind: 'requests',
          requests: [req('server3', { op: 'move', group: 'g1' }), req('server2', { op: 'move', group: 'g1' })],
        },
      ],
      [8932, { kind: 'power-off', host: 'server2' }],
      [15630, { kind: 'kill', host: 'server3' }],
      [17827, { kind: 'fence-fails', host: 'server3' }],
      [25380, { kind: 'loss', interconnect: 0, from: 'server2', to: 'server1', p: 0.7505407510790973 }],
    ]),
  }),
};

function named(scenarios: Record<string, Omit<Scenario, 'name'>>): Record<string, Scenario> {
  return Object.fromEntries(Object.entries(scenarios).map(([name, s]) => [name, { name, ...s }]));
}

/** A random seed's faults as a named scenario, run with that seed (so it replays exactly). */
function replay(seed: number, setup: SimSetup, faults: Array<[number, Fault]>): Omit<Scenario, 'name'> {
  return { seed, setup, faults: faults.map(([at, fault]) => ({ at, fault })), healAt: 35_000, boundMs: BOUND_MS };
}

/** One random scenario: 2 to 4 servers, a settle mode, 2 to 6 faults, then a heal. */
export function randomScenario(seed: number): Scenario {
  const rand = prng(seed ^ 0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[randInt(rand, 0, xs.length - 1)];
  const servers = pick([2, 3, 3, 3, 4]);
  const groups = randInt(rand, 2, 4);
  const mode = pick(MODES);
  const names = Array.from({ length: servers }, (_, i) => `server${i + 1}`);
  const groupNames = Array.from({ length: groups }, (_, i) => `g${i}`);
  const faults: Scenario['faults'] = [];
  const n = randInt(rand, 2, 6);
  for (let i = 0; i < n; i++) {
    const at = randInt(rand, 2000, 30_000);
    const host = pick(names);
    const other = pick(names.filter((s) => s !== host));
    const ic = randInt(rand, 0, 1);
    const kinds = [
      'kill',
      'power-off',
      'pause',
      'stop-agent',
      'cut-link',
      'one-way',
      'loss',
      'partition',
      'bmc-down',
      'fence-fails',
      'fail-start',
      'slow',
      'requests',
      'requests',
    ] as const;
    const kind = pick(kinds);
    let fault: Fault;
    switch (kind) {
      case 'pause':
        fault = { kind, host, ms: randInt(rand, 200, 5000) };
        break;
      case 'cut-link':
        fault = { kind, interconnect: ic, a: host, b: other };
        break;
      case 'one-way':
        fault = { kind, interconnect: ic, from: host, to: other };
        break;
      case 'loss':
        fault = { kind, interconnect: ic, from: host, to: other, p: 0.3 + rand() * 0.6 };
        break;
      case 'partition':
        fault = { kind, side: names.filter(() => rand() < 0.5).slice(0, servers - 1) };
        if (fault.side.length === 0) {
          fault.side = [host];
        }
        break;
      case 'fail-start':
        fault = { kind, host, group: pick(groupNames) };
        break;
      case 'slow':
        fault = { kind, host, factor: randInt(rand, 3, 10) };
        break;
      case 'requests':
        fault = {
          kind,
          requests: Array.from({ length: randInt(rand, 1, 3) }, () => {
            const op = pick(['start', 'stop', 'move', 'move'] as const);
            const target = rand() < 0.5 ? pick(names) : undefined;
            return req(pick(names), { op, group: pick(groupNames), server: op === 'stop' ? undefined : target });
          }),
        };
        break;
      default:
        fault = { kind, host };
    }
    faults.push({ at, fault });
  }
  // Revisions on a stream of their own, so the other faults of a seed stay what they were.
  const revRand = prng(seed ^ 0x4e71);
  const revisions = revRand() < 0.3 ? randInt(revRand, 1, 3) : 0;
  for (let i = 0; i < revisions; i++) {
    faults.push({
      at: randInt(revRand, 2000, 30_000),
      fault: {
        kind: 'revision',
        without: groupNames.filter(() => revRand() < 0.4),
        longer: groupNames.filter(() => revRand() < 0.3),
        skewMs: randInt(revRand, 0, 500),
      },
    });
  }
  return {
    name: `random(${servers} servers, ${groups} groups, ${mode})`,
    setup: { servers, groups, mode },
    faults,
    healAt: 35_000,
    boundMs: BOUND_MS,
  };
}
