// Confirmed announcements (backend/membership/confirmation.ts): the pure bookkeeping, the
// waiters, and the membership core on a simulated network with a virtual clock.
import { Announcements, ConfirmationWaiters } from '../../../backend/membership/confirmation';
import type { AnnouncementEvent } from '../../../backend/membership/types';
import { VirtualClock } from './sim/virtual-clock';
import { SimCluster } from './sim/cluster';

describe('Announcements', () => {
  test('with nobody heard, an announcement is confirmed at once', () => {
    const a = new Announcements();
    a.announce(1, true, 1, []);
    expect(a.check()).toBe(true);
    expect(a.state()).toMatchObject({ id: 1, confirmedId: 1, unconfirmed: [] });
  });

  test('confirmed once every peer heard echoes the round that first carried it, with its send time', () => {
    const a = new Announcements();
    for (let seq = 1; seq <= 5; seq++) {
      a.sent(seq, seq * 100);
    }
    a.announce(1, true, 5, ['server2', 'server3']);
    a.echoed('server2', { seq: 4, sentAt: 400, delayMs: 0 }); // before the announcement
    a.echoed('server3', { seq: 5, sentAt: 123, delayMs: 0 }); // a previous run's round 5
    expect(a.check()).toBe(false);
    expect(a.state().unconfirmed).toEqual(['server2', 'server3']);
    a.echoed('server2', { seq: 5, sentAt: 500, delayMs: 1 });
    expect(a.check()).toBe(false);
    expect(a.state().unconfirmed).toEqual(['server3']);
    a.echoed('server3', { seq: 5, sentAt: 500, delayMs: 1 });
    expect(a.check()).toBe(true);
    expect(a.check()).toBe(false); // once
  });

  test('an announcement that changes nothing is confirmed with the one before', () => {
    const a = new Announcements();
    a.sent(1, 10);
    a.announce(1, true, 1, ['server2']);
    a.echoed('server2', { seq: 1, sentAt: 10, delayMs: 0 });
    a.check();
    a.announce(2, false, 2, ['server2']);
    expect(a.check()).toBe(true);
    expect(a.state().confirmedId).toBe(2);
  });

  test('a peer that falls silent abandons what waited for it; the next announcement waits for those heard now', () => {
    const a = new Announcements();
    a.sent(1, 10);
    a.announce(1, true, 2, ['server2', 'server3']);
    a.echoed('server3', { seq: 1, sentAt: 10, delayMs: 0 });
    a.announce(2, true, 2, ['server3']); // server2 is no longer heard
    expect(a.state()).toMatchObject({ abandonedId: 1, abandonedFor: ['server2'], unconfirmed: ['server3'] });
    a.sent(2, 20);
    a.echoed('server3', { seq: 2, sentAt: 20, delayMs: 0 });
    expect(a.check()).toBe(true);
    expect(a.state()).toMatchObject({ id: 2, confirmedId: 2, abandonedId: 1 });
  });

  test('a new incarnation (sequence wrap) forgets every echo', () => {
    const a = new Announcements();
    a.sent(7, 70);
    a.announce(1, true, 7, ['server2']);
    a.restarted();
    a.echoed('server2', { seq: 7, sentAt: 70, delayMs: 0 });
    expect(a.check()).toBe(false);
  });
});

describe('ConfirmationWaiters', () => {
  const state = (confirmedId: number, extra: Partial<ReturnType<Announcements['state']>> = {}) => ({
    id: 3,
    confirmedId,
    unconfirmed: ['server2'],
    abandonedId: 0,
    abandonedFor: [],
    ...extra,
  });

  test('a wait ends with [] when its announcement (or a later one) is confirmed', async () => {
    const clock = new VirtualClock();
    const w = new ConfirmationWaiters(clock);
    const waiting = w.wait(2, 1000);
    w.update(state(1));
    w.update(state(3, { unconfirmed: [] }));
    await expect(waiting).resolves.toEqual([]);
    await expect(w.wait(3, 1000)).resolves.toEqual([]); // already confirmed
  });

  test('a wait ends with the silent peers when its announcement is abandoned', async () => {
    const w = new ConfirmationWaiters(new VirtualClock());
    const waiting = w.wait(2, 1000);
    w.update(state(0, { abandonedId: 2, abandonedFor: ['server3'] }));
    await expect(waiting).resolves.toEqual(['server3']);
  });

  test('a wait that times out names the peers that had not confirmed', async () => {
    const clock = new VirtualClock();
    const w = new ConfirmationWaiters(clock);
    w.update(state(1));
    const waiting = w.wait(3, 500);
    clock.runUntil(499);
    w.update(state(2));
    clock.runUntil(500);
    await expect(waiting).resolves.toEqual(['server2']);
  });
});

describe('the membership core', () => {
  const confirmations = (c: SimCluster, server: string) =>
    c.events
      .filter((r) => r.observer === server && r.event.type === 'announcement')
      .map((r) => r.event as AnnouncementEvent);

  test('peers answer a changed announcement at once: confirmed in a round trip, not an interval', () => {
    const c = new SimCluster({ intervalMs: 100, timeoutMs: 500, groups: ['g1'] });
    c.startAll();
    c.run(1000);
    const at = c.clock.now();
    c.core('server1').updateSummary({ revision: 1, hash: '', groups: [], epochs: {} }, 7);
    expect(c.core('server1').announcement()).toMatchObject({ id: 7, confirmedId: 7 }); // nothing changed
    c.core('server1').updateSummary({ revision: 1, hash: '', groups: ['g1'], epochs: { g1: 5 } }, 8);
    expect(c.core('server1').announcement()).toMatchObject({ id: 8, confirmedId: 7 });
    c.run(at + 20);
    expect(c.core('server1').announcement()).toMatchObject({ id: 8, confirmedId: 8, unconfirmed: [] });
    const event = confirmations(c, 'server1').find((e) => e.state.confirmedId === 8)!;
    // The network's latency is a few ms each way; the next regular round was 100 ms away.
    expect(event.at - at).toBeLessThan(20);
  });

  test('a peer that cannot answer (one-way cut) keeps the announcement unconfirmed; once silent, it is abandoned', () => {
    const c = new SimCluster({ intervalMs: 100, timeoutMs: 500, groups: ['g1'] });
    c.startAll();
    c.run(1000);
    for (const ic of c.net.lanIndexes()) {
      c.net.setOneWay(ic, 'server3', 'server1', false); // server1 still sends to server3
    }
    c.core('server1').updateSummary({ revision: 1, hash: '', groups: ['g1'], epochs: { g1: 5 } }, 2);
    c.run(1300);
    expect(c.core('server1').announcement()).toMatchObject({ confirmedId: 0, unconfirmed: ['server3'] });
    c.run(1700); // server3 silent to server1 now
    c.core('server1').updateSummary({ revision: 1, hash: '', groups: [], epochs: {} }, 3);
    c.run(1800);
    expect(c.core('server1').announcement()).toMatchObject({
      id: 3,
      confirmedId: 3,
      abandonedId: 2,
      abandonedFor: ['server3'],
    });
  });

  test('a peer that says it does not hear us is not waited for (it cannot confirm): starts go on', () => {
    const c = new SimCluster({ intervalMs: 100, timeoutMs: 500, groups: ['g1'] });
    c.startAll();
    c.run(1000);
    for (const ic of c.net.lanIndexes()) {
      c.net.setOneWay(ic, 'server1', 'server3', false); // server3 stops hearing server1
    }
    c.run(1700); // server3's heartbeats no longer list server1
    expect(c.peer('server1', 'server3').summary?.hears).toEqual(['server2', 'server3']);
    c.core('server1').updateSummary({ revision: 1, hash: '', groups: ['g1'], epochs: { g1: 5 } }, 2);
    c.run(1720);
    expect(c.core('server1').announcement()).toMatchObject({ confirmedId: 2, unconfirmed: [] });
  });

  test('the echo of a previous run of the same agent confirms nothing', () => {
    const c = new SimCluster({ intervalMs: 100, timeoutMs: 500, groups: ['g1'] });
    c.startAll();
    c.run(1000);
    for (const ic of c.net.lanIndexes()) {
      c.net.setOneWay(ic, 'server1', 'server2', false); // server2 will not hear the new run
    }
    const oldSeq = c.core('server1').snapshot().sequence;
    c.start('server1'); // a new run: sequence numbers from 1 again
    c.run(1050);
    c.core('server1').updateSummary({ revision: 1, hash: '', groups: ['g1'], epochs: { g1: 5 } }, 2);
    c.run(2600);
    // The new run has sent the sequence number server2 keeps echoing (after the announcement),
    // at another time.
    expect(c.core('server1').snapshot().sequence).toBeGreaterThan(oldSeq + 2);
    // server2 still echoes the old run's rounds: server1 waits for it.
    expect(c.core('server1').announcement().unconfirmed).toEqual(['server2']);
  });
});
