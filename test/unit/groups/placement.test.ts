import {
  autoStartGroups,
  chooseServer,
  clusterGroups,
  membershipSettled,
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

  test('automatic start: only autoStart groups held by nobody, only on their first server that is up, once', () => {
    expect(autoStartGroups(input(), new Set())).toEqual(['web']);
    expect(autoStartGroups(input(), new Set(['web']))).toEqual([]);
    const fromServer2 = (state: 'online' | 'suspect') =>
      input({
        self: 'server2',
        peers: [
          { server: 'server1', state, holds: [] },
          { server: 'server3', state: 'online', holds: [] },
        ],
      });
    expect(autoStartGroups(fromServer2('online'), new Set())).toEqual([]);
    expect(autoStartGroups(fromServer2('suspect'), new Set())).toEqual(['web']);
    const held = input({ peers: [{ server: 'server2', state: 'unknown', holds: ['web'] }] });
    expect(autoStartGroups(held, new Set())).toEqual([]);
  });

  test('settled: every peer answered, or a full timeout has passed', () => {
    const peers = input().peers;
    expect(membershipSettled(peers, 0, 5000)).toBe(true);
    const waiting = [{ ...peers[0], state: 'suspect' as const }];
    expect(membershipSettled(waiting, 4999, 5000)).toBe(false);
    expect(membershipSettled(waiting, 5000, 5000)).toBe(true);
  });
});
