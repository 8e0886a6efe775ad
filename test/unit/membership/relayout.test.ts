// A new revision's group list, applied live (Membership.relayout): held groups travel as a
// bitmap over the list, so until both sides have the same list a peer's groups are not read
// (null: unknown, which blocks starting them); once they do, the new group is read.
import { SimCluster } from './sim/cluster';

test('a group added on one server is read by a peer only once the peer has the same group list', () => {
  const c = new SimCluster({ groups: ['g1'] });
  c.startAll();
  c.run(500);
  c.core('server2').relayout(['g1', 'g2']);
  c.core('server2').updateSummary({ revision: 2, hash: '', groups: ['g2'], epochs: { g2: 33 } });
  c.run(1000);
  expect(c.peer('server1', 'server2').summary).toMatchObject({ revision: 2, layoutMatches: false, groups: null });
  c.core('server1').relayout(['g1', 'g2']);
  c.run(1500);
  expect(c.peer('server1', 'server2').summary).toMatchObject({
    layoutMatches: true,
    groups: ['g2'],
    epochs: { g2: 33 },
  });
  // server3 still has the old list: server2's groups stay unknown to it.
  expect(c.peer('server3', 'server2').summary).toMatchObject({ layoutMatches: false, groups: null });
});

test('a held group the new list lacks is no longer announced; the rest is', () => {
  const c = new SimCluster({ groups: ['g1', 'g2'] });
  c.startAll();
  c.core('server2').updateSummary({ revision: 1, hash: '', groups: ['g1', 'g2'], epochs: { g1: 1, g2: 2 } });
  c.run(500);
  expect(c.peer('server1', 'server2').summary?.groups).toEqual(['g1', 'g2']);
  for (const s of c.names) {
    c.core(s).relayout(['g1']);
  }
  c.run(1000);
  expect(c.peer('server1', 'server2').summary).toMatchObject({
    layoutMatches: true,
    groups: ['g1'],
    epochs: { g1: 1 },
  });
  expect(() => c.core('server2').updateSummary({ revision: 2, hash: '', groups: ['g2'] })).toThrow(/g2/);
});
