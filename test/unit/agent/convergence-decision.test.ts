import { conflictKey, decideConvergence, type Announcement } from '../../../backend/config/convergence-decision';

const me = (revision: number, hash: string) => ({ server: 'server1', revision, hash });
const peer = (server: string, revision: number, hash: string, online = true): Announcement => ({
  server,
  revision,
  hash,
  online,
});

describe('config convergence decision', () => {
  test('nothing newer: nothing to do', () => {
    expect(decideConvergence(me(3, 'aa'), [peer('server2', 3, 'aa'), peer('server3', 2, 'bb')])).toEqual({
      fetch: null,
      conflicts: [],
    });
  });

  test('the highest newer revision is fetched from the first online peer announcing it', () => {
    expect(
      decideConvergence(me(1, 'aa'), [
        peer('server2', 2, 'bb'),
        peer('server3', 4, 'dd', false),
        peer('server4', 4, 'dd'),
        peer('server5', 4, 'dd'),
      ])
    ).toEqual({ fetch: { server: 'server4', revision: 4, hash: 'dd' }, conflicts: [] });
  });

  test('a newer revision only down peers announce waits; a lower newer one still progresses', () => {
    expect(decideConvergence(me(1, 'aa'), [peer('server2', 3, 'cc', false)]).fetch).toBeNull();
    expect(decideConvergence(me(1, 'aa'), [peer('server2', 3, 'cc', false), peer('server3', 2, 'bb')]).fetch).toEqual({
      server: 'server3',
      revision: 2,
      hash: 'bb',
    });
  });

  test('our revision with another hash is a conflict, and nothing is fetched for it', () => {
    expect(decideConvergence(me(2, 'aa'), [peer('server2', 2, 'bb')])).toEqual({
      fetch: null,
      conflicts: [{ revision: 2, hashes: { server1: 'aa', server2: 'bb' } }],
    });
  });

  test('two peers with one newer revision and different hashes: conflict, skipped; a lower clean one is fetched', () => {
    const d = decideConvergence(me(1, 'aa'), [
      peer('server2', 5, 'x'),
      peer('server3', 5, 'y'),
      peer('server4', 4, 'z'),
    ]);
    expect(d.conflicts).toEqual([{ revision: 5, hashes: { server2: 'x', server3: 'y' } }]);
    expect(d.fetch).toEqual({ server: 'server4', revision: 4, hash: 'z' });
  });

  test('revision 0 / empty hash (nothing stored yet) is ignored', () => {
    expect(decideConvergence(me(0, ''), [peer('server2', 0, '')])).toEqual({ fetch: null, conflicts: [] });
  });

  test('conflict keys do not depend on the order servers are listed in', () => {
    expect(conflictKey({ revision: 2, hashes: { b: '2', a: '1' } })).toBe(
      conflictKey({ revision: 2, hashes: { a: '1', b: '2' } })
    );
    expect(conflictKey({ revision: 2, hashes: { a: '1', b: '2' } })).not.toBe(
      conflictKey({ revision: 2, hashes: { a: '1', b: '3' } })
    );
  });
});
