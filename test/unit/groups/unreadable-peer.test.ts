// A peer heard with another group list (a revision it has not applied yet) cannot say what it
// holds: every group it may run counts as possibly held there, so nothing starts it elsewhere
// (automatic start, takeover, operator start) until the lists agree again.
import {
  autoStartGroups,
  orphanedGroups,
  unknownHolders,
  type PlacementInput,
} from '../../../backend/groups/placement';
import { groupConfig } from './harness';

const config = groupConfig();
const [web, db] = config.groups;

function input(server2: Partial<PlacementInput['peers'][number]>): PlacementInput {
  return {
    config,
    self: 'server1',
    local: config.groups.map((g) => ({ group: g.name, state: 'offline', since: 0, reason: '', resources: [] })),
    peers: [
      { server: 'server2', state: 'online', holds: [], ...server2 },
      { server: 'server3', state: 'online', holds: [] },
    ],
  };
}

test('an unreadable peer blocks the groups it is a startup server of, and only those', () => {
  const i = input({ holds: null, unreadable: true });
  expect(unknownHolders(i, web)).toEqual(['server2']);
  expect(unknownHolders(i, db)).toEqual(['server2']); // db: startupServers server2, server1
  expect(autoStartGroups(i)).toEqual([]);
  const only3 = { ...config, groups: [{ ...web, startupServers: ['server1', 'server3'] }] };
  expect(unknownHolders({ ...i, config: only3 }, only3.groups[0])).toEqual([]);
});

test('readable again (the same list), or known down, it blocks nothing', () => {
  expect(unknownHolders(input({ holds: [] }), web)).toEqual([]);
  expect(autoStartGroups(input({ holds: [] }))).toEqual([{ group: 'web', server: 'server1' }]);
  expect(unknownHolders(input({ holds: null, unreadable: true, state: 'offline-confirmed' }), web)).toEqual([]);
});

test('no takeover of a silent holder while another peer may hold the group unseen', () => {
  const last = new Map([['web', 'server3']]);
  const i: PlacementInput = {
    ...input({ holds: null, unreadable: true }),
    down: ['server3'],
  };
  i.peers[1] = { server: 'server3', state: 'offline-confirmed', holds: ['web'] };
  expect(orphanedGroups(i, last)).toEqual([]);
  const readable = { ...i, peers: [{ server: 'server2', state: 'online' as const, holds: [] }, i.peers[1]] };
  expect(orphanedGroups(readable, last).map((t) => t.group)).toEqual(['web']);
});
