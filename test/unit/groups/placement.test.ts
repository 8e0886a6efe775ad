import {
  autoStartGroups,
  chooseServer,
  clusterGroups,
  membershipSettled,
  orphanedGroups,
  trackHolders,
  type PlacementInput,
} from '../../../backend/groups/placement';
import type { LocalGroupStatus } from '../../../backend/groups/local-groups';
import { groupConfig } from './harness';

const config = groupConfig();
const local = (states: Record<string, LocalGroupStatus['state']> = {}): LocalGroupStatus[] =>
  config.groups.map((g) => ({
    group: g.name,
    state: states[g.name] ?? 'offline',
    since: 0,
    reason: '',
    resources: [],
  }));

function input(over: Partial<PlacementInput> = {}): PlacementInput {
  return {
    config,
    self: 'server1',
    local: local(),
    peers: [
      { server: 'server2', state: 'online', holds: [] },
      { server: 'server3', state: 'online', holds: [] },
    ],
    ...over,
  };
}

const web = (i: PlacementInput) => clusterGroups(i).find((g) => g.name === 'web')!;

describe('where groups are', () => {
  test('held here: this server’s own state', () => {
    expect(web(input({ local: local({ web: 'starting' }) }))).toMatchObject({
      state: 'starting',
      currentServer: 'server1',
      holders: ['server1'],
    });
    expect(web(input({ local: local({ web: 'start-failed' }) }))).toMatchObject({ state: 'start-failed', holders: [] });
  });

  test('held by a peer: online while it answers, unreachable when it goes silent, free when powered off', () => {
    const peers = (state: 'online' | 'suspect' | 'hung-or-partitioned' | 'unknown' | 'offline-confirmed') => [
      { server: 'server2', state, holds: ['web'] },
      { server: 'server3', state: 'online' as const, holds: [] },
    ];
    expect(web(input({ peers: peers('online') }))).toMatchObject({ state: 'online', currentServer: 'server2' });
    expect(web(input({ peers: peers('suspect') }))).toMatchObject({ state: 'online', currentServer: 'server2' });
    expect(web(input({ peers: peers('hung-or-partitioned') }))).toMatchObject({ state: 'unreachable' });
    expect(web(input({ peers: peers('unknown') }))).toMatchObject({ state: 'unreachable', currentServer: 'server2' });
    expect(web(input({ peers: peers('offline-confirmed') }))).toMatchObject({ state: 'offline', currentServer: null });
  });

  test('held twice: a conflict, with both holders named', () => {
    const v = web(
      input({ local: local({ web: 'online' }), peers: [{ server: 'server3', state: 'online', holds: ['web'] }] })
    );
    expect(v).toMatchObject({ state: 'conflict', currentServer: null, holders: ['server1', 'server3'] });
  });

  test('a peer with an unknown layout holds nothing we can read', () => {
    expect(web(input({ peers: [{ server: 'server2', state: 'online', holds: null }] })).holders).toEqual([]);
  });
});

describe('where groups go', () => {
  test('the first startup server that is up; this server is always up to itself', () => {
    const db = config.groups[1];
    expect(chooseServer(input(), db)).toBe('server2');
    expect(chooseServer(input({ peers: [{ server: 'server2', state: 'suspect', holds: [] }] }), db)).toBe('server1');
    expect(chooseServer(input({ self: 'server3', peers: [] }), db)).toBeNull();
    expect(chooseServer(input(), db, ['server2'])).toBe('server1');
  });

  test('automatic start: only autoStart groups held by nobody, only on their first server that is up', () => {
    expect(autoStartGroups(input())).toEqual([{ group: 'web', server: 'server1' }]);
    const fromServer2 = (state: 'online' | 'suspect') =>
      input({
        self: 'server2',
        peers: [
          { server: 'server1', state, holds: [] },
          { server: 'server3', state: 'online', holds: [] },
        ],
      });
    // The decider starts it on the first startup server that is up, wherever it runs.
    expect(autoStartGroups(fromServer2('online'))).toEqual([{ group: 'web', server: 'server1' }]);
    expect(autoStartGroups(fromServer2('suspect'))).toEqual([{ group: 'web', server: 'server2' }]);
    const held = input({ peers: [{ server: 'server2', state: 'unknown', holds: ['web'] }] });
    expect(autoStartGroups(held)).toEqual([]);
    // The desired state decides which groups should run (groups/desired.ts): a group an
    // operator started runs though not automatic, one an operator stopped does not.
    expect(autoStartGroups(input(), ['db']).map((t) => t.group)).toEqual(['db']);
    expect(autoStartGroups(input(), [])).toEqual([]);
    expect(autoStartGroups(held, ['web'])).toEqual([]); // held by a silent server: never free
  });

  test('settled: every peer answered, or a full timeout has passed', () => {
    const peers = input().peers;
    expect(membershipSettled(peers, 0, 5000)).toBe(true);
    const waiting = [{ ...peers[0], state: 'suspect' as const }];
    expect(membershipSettled(waiting, 4999, 5000)).toBe(false);
    expect(membershipSettled(waiting, 5000, 5000)).toBe(true);
  });
});

describe('taking over from a server confirmed down', () => {
  const held = (state: 'online' | 'suspect' | 'hung-or-partitioned' | 'offline-confirmed') =>
    input({
      self: 'server3',
      peers: [
        { server: 'server1', state, holds: ['web'] },
        { server: 'server2', state: 'suspect', holds: [] },
      ],
    });

  test('the holder is remembered while it runs the group, through suspicion, and until power-off', () => {
    const last = new Map<string, string>();
    for (const state of ['online', 'suspect', 'hung-or-partitioned'] as const) {
      trackHolders(held(state), last);
      expect(last.get('web')).toBe('server1');
      expect(orphanedGroups(held(state), last)).toEqual([]);
    }
    trackHolders(held('offline-confirmed'), last);
    // server2 is first in line after server1 but not up; server3 is next.
    expect(orphanedGroups(held('offline-confirmed'), last)).toEqual([
      { group: 'web', from: 'server1', candidates: ['server3'] },
    ]);
    // With server2 up, it is first in line, then server3: the same list whoever decides.
    const both = (self: string, other: string) =>
      input({
        self,
        peers: [
          { server: 'server1', state: 'offline-confirmed', holds: ['web'] },
          { server: other, state: 'online', holds: [] },
        ],
      });
    const list = [{ group: 'web', from: 'server1', candidates: ['server2', 'server3'] }];
    expect(orphanedGroups(both('server2', 'server3'), last)).toEqual(list);
    expect(orphanedGroups(both('server3', 'server2'), last)).toEqual(list);
  });

  test('a group released by a server that is still up was stopped on purpose: nobody takes it over', () => {
    const last = new Map<string, string>();
    trackHolders(held('online'), last);
    const released = input({ self: 'server3', peers: [{ server: 'server1', state: 'online', holds: [] }] });
    trackHolders(released, last);
    expect(last.has('web')).toBe(false);
    expect(orphanedGroups(released, last)).toEqual([]);
  });
});
