// Deterministic simulation of the membership core: three servers, two LAN interconnects,
// a virtual clock, 100 ms interval / 500 ms timeout, 1 ms latency. Every round leaves at
// t = 0, 100, 200, ... and arrives 1 ms later, so the exact instants below follow:
// suspect after 250 ms of silence on every path, down after 500 ms.
import { encodeHeartbeat, heartbeatKey, type PathEvent } from '../../../backend/membership';
import { SECRET, SimCluster } from './sim/cluster';
import type { Sent } from '../../../backend/sim/network';

const INTERVAL = 100;
const TIMEOUT = 500;
const SUSPECT_AFTER = 250;

function pathEvents(c: SimCluster, observer?: string): PathEvent[] {
  return c.events
    .filter((r) => observer === undefined || r.observer === observer)
    .map((r) => r.event)
    .filter((e): e is PathEvent => e.type === 'path');
}

describe('membership simulation: paths and servers', () => {
  test('everyone is online 1 ms after the first round, on both interconnects', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(0);
    expect(c.state('server1', 'server2')).toBe('suspect');
    c.run(1);
    for (const a of c.names) {
      for (const b of c.names.filter((n) => n !== a)) {
        const p = c.peer(a, b);
        expect(p.state).toBe('online');
        expect(p.since).toBe(1);
        expect(p.paths.map((x) => x.state)).toEqual(['up', 'up']);
      }
    }
    expect(c.transitions().every((t) => t.from === 'suspect' && t.to === 'online' && t.at === 1)).toBe(true);
    expect(c.transitions()).toHaveLength(6);
  });

  test('losing one interconnect keeps every server online; that path goes down at last heard + timeout', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1000);
    c.net.setInterconnect(0, false); // the round sent at 1000 arrives at 1001: lost
    c.run(10_000);
    expect(c.transitions().filter((t) => t.at > 1)).toEqual([]);
    const downs = pathEvents(c).filter((e) => e.to === 'down');
    expect(downs).toHaveLength(6);
    for (const e of downs) {
      expect(e).toMatchObject({ interconnect: 0, from: 'up', at: 901 + TIMEOUT, lastHeardAt: 901 });
    }
    const p = c.peer('server1', 'server2');
    expect(p).toMatchObject({ state: 'online', degraded: true });
    expect(p.paths.map((x) => x.state)).toEqual(['down', 'up']);
  });

  test('losing every path marks the peer suspect, then down, at exact times within timeout + interval', () => {
    const c = new SimCluster({ withoutBmc: [3] });
    c.startAll();
    const cut = 1050;
    c.run(cut);
    c.net.setServer('server3', false);
    c.run(5000);
    const lastHeard = 1001; // sent at 1000
    for (const observer of ['server1', 'server2']) {
      expect(c.transitions(observer, 'server3').map((t) => [t.from, t.to, t.at])).toEqual([
        ['suspect', 'online', 1],
        ['online', 'suspect', lastHeard + SUSPECT_AFTER],
        ['suspect', 'unknown', lastHeard + TIMEOUT],
      ]);
      const down = c.transitions(observer, 'server3')[2];
      expect(down.at).toBeLessThanOrEqual(cut + TIMEOUT + INTERVAL);
      expect(down.evidence.paths).toEqual([
        { interconnect: 0, state: 'down', fresh: false, lastHeardAt: lastHeard, silenceMs: TIMEOUT },
        { interconnect: 1, state: 'down', fresh: false, lastHeardAt: lastHeard, silenceMs: TIMEOUT },
      ]);
      expect(down.evidence.bmc).toEqual({ configured: false, report: null, current: false, ageMs: null });
      expect(down.evidence.reason).toMatch(/no BMC configured/);
      // The two that still hear each other are untouched.
      expect(c.transitions(observer).filter((t) => t.server !== 'server3' && t.at > 1)).toEqual([]);
    }
    // And the cut server sees both others go down at the same instants.
    expect(
      c
        .transitions('server3')
        .filter((t) => t.to === 'unknown')
        .map((t) => [t.server, t.at])
    ).toEqual([
      ['server1', 1501],
      ['server2', 1501],
    ]);
  });

  test('a healed server is online again on its first heartbeat', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1050);
    c.net.setServer('server3', false);
    c.run(3050);
    c.net.setServer('server3', true);
    c.run(4000);
    const last = c.transitions('server1', 'server3').at(-1)!;
    expect(last).toMatchObject({ from: 'unknown', to: 'online', at: 3101 });
    expect(pathEvents(c, 'server1').filter((e) => e.server === 'server3' && e.at === 3101)).toHaveLength(2);
  });

  test('a peer that never starts goes from suspect to down one timeout after our start', () => {
    const c = new SimCluster();
    c.start('server1');
    c.start('server2');
    c.run(2000);
    expect(c.transitions('server1', 'server3').map((t) => [t.from, t.to, t.at])).toEqual([['suspect', 'unknown', 500]]);
    expect(pathEvents(c, 'server1').filter((e) => e.server === 'server3')).toEqual([
      expect.objectContaining({ interconnect: 0, from: 'pending', to: 'down', at: 500, lastHeardAt: null }),
      expect.objectContaining({ interconnect: 1, from: 'pending', to: 'down', at: 500, lastHeardAt: null }),
    ]);
  });

  test('RTT is measured by echo: 2 ms for 1 ms each way, whatever the hold time', () => {
    const c = new SimCluster();
    const samples: number[] = [];
    c.startAll();
    c.core('server1').onRtt((s) => samples.push(s.ms));
    c.run(2000);
    expect(samples.length).toBeGreaterThan(30);
    expect(new Set(samples)).toEqual(new Set([2]));
    const p = c.peer('server1', 'server2').paths[0];
    expect(p).toMatchObject({ rttMs: 2, rttLastMs: 2 });
  });

  test('silence counters and seconds since last heartbeat', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1000);
    c.net.setServer('server2', false, [1]);
    c.run(1234);
    const paths = c.peer('server1', 'server2').paths;
    expect(paths[0]).toMatchObject({ lastHeardAt: 1201, silenceMs: 33 });
    expect(paths[1]).toMatchObject({ lastHeardAt: 901, silenceMs: 333, fresh: false, state: 'up' });
  });
});

describe('membership simulation: BMC evidence', () => {
  function cutAt1050(): SimCluster {
    const c = new SimCluster();
    c.startAll();
    c.run(1050);
    c.net.setServer('server3', false);
    return c;
  }

  test('power off -> offline-confirmed; power on -> hung-or-partitioned; unreachable -> unknown', () => {
    const c = cutAt1050();
    c.run(1600);
    expect(c.state('server1', 'server3')).toBe('unknown');
    const s1 = c.core('server1');
    s1.reportBmc('server3', { reachable: true, power: 'off', at: 1600 });
    c.run(1700);
    s1.reportBmc('server3', { reachable: true, power: 'on', at: 1700 });
    c.run(1800);
    s1.reportBmc('server3', { reachable: false, power: 'unknown', at: 1800 });
    c.run(1900);
    s1.reportBmc('server3', { reachable: true, power: 'unknown', at: 1900 });
    c.run(2000);
    const ts = c.transitions('server1', 'server3').filter((t) => t.at >= 1600);
    expect(ts.map((t) => [t.from, t.to, t.at])).toEqual([
      ['unknown', 'offline-confirmed', 1600],
      ['offline-confirmed', 'hung-or-partitioned', 1700],
      ['hung-or-partitioned', 'unknown', 1800],
    ]);
    expect(ts[0].evidence.bmc).toEqual({
      configured: true,
      report: { reachable: true, power: 'off', at: 1600 },
      current: true,
      ageMs: 0,
    });
    expect(ts[1].evidence.reason).toMatch(/BMC reports power on/);
    expect(ts[2].evidence.reason).toMatch(/BMC unreachable/);
    expect(c.peer('server1', 'server3').bmc.report?.power).toBe('unknown');
    // The other observer was told nothing about the BMC.
    expect(c.state('server2', 'server3')).toBe('unknown');
  });

  test('a reading taken during the silence decides the state the moment the last path times out', () => {
    const c = cutAt1050();
    c.run(1100);
    c.core('server1').reportBmc('server3', { reachable: true, power: 'off', at: 1100 });
    c.run(2000);
    expect(c.transitions('server1', 'server3').map((t) => [t.to, t.at])).toEqual([
      ['online', 1],
      ['suspect', 1251],
      ['offline-confirmed', 1501],
    ]);
  });

  test('a reading older than the last heartbeat does not count', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(900);
    c.core('server1').reportBmc('server3', { reachable: true, power: 'off', at: 900 });
    c.run(1050);
    c.net.setServer('server3', false);
    c.run(2000);
    const down = c.transitions('server1', 'server3').at(-1)!;
    expect(down).toMatchObject({ to: 'unknown', at: 1501 });
    expect(down.evidence.bmc.current).toBe(false);
    expect(down.evidence.reason).toMatch(/predates the silence or is too old/);
  });

  test('a reading expires bmcMaxAgeMs (3 timeouts) after it was taken', () => {
    const c = cutAt1050();
    c.run(1600);
    c.core('server1').reportBmc('server3', { reachable: true, power: 'on', at: 1600 });
    c.run(5000);
    expect(
      c
        .transitions('server1', 'server3')
        .slice(-2)
        .map((t) => [t.to, t.at])
    ).toEqual([
      ['hung-or-partitioned', 1600],
      ['unknown', 1600 + 3 * TIMEOUT],
    ]);
  });

  test('without a configured BMC, readings never count', () => {
    const c = new SimCluster({ withoutBmc: [3] });
    c.startAll();
    c.run(1050);
    c.net.setServer('server3', false);
    c.run(1600);
    c.core('server1').reportBmc('server3', { reachable: true, power: 'off', at: 1600 });
    c.run(2000);
    expect(c.state('server1', 'server3')).toBe('unknown');
    expect(c.peer('server1', 'server3').bmc).toMatchObject({ configured: false, current: false });
  });

  test('BMC evidence never overrides a live LAN path', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1000);
    c.core('server1').reportBmc('server3', { reachable: true, power: 'off', at: 1000 });
    c.run(3000);
    expect(c.state('server1', 'server3')).toBe('online');
    expect(() => c.core('server1').reportBmc('server9', { reachable: true, power: 'on', at: 0 })).toThrow(/not a peer/);
  });
});

describe('membership simulation: packets that must be refused', () => {
  function capture(c: SimCluster, from: string, to: string, interconnect = 0): Sent[] {
    const got: Sent[] = [];
    c.net.tap((s) => {
      if (s.from === from && s.to === to && s.interconnect === interconnect) {
        got.push(s);
      }
    });
    return got;
  }

  test('a peer with the wrong secret is rejected as bad_mac and never comes online', () => {
    const c = new SimCluster({ secretFor: (s) => (s === 'server2' ? 'wrong secret' : SECRET) });
    c.startAll();
    c.run(3000);
    expect(c.state('server1', 'server2')).toBe('unknown');
    expect(c.state('server2', 'server1')).toBe('unknown');
    const counters = c.core('server1').packetCounters();
    expect(counters.bad_mac).toBe(2 * 30); // rounds t = 0..2900 have arrived, on 2 interconnects
    expect(counters.accepted).toBe(2 * 30); // from server3 only
    expect(c.core('server1').snapshot().lastRejections).toEqual([
      expect.objectContaining({ reason: 'bad_mac', fromAddress: '10.1.0.2', interconnect: 1 }),
    ]);
  });

  test('replayed and old packets are rejected and counted, and cannot revive a dead server', () => {
    const c = new SimCluster();
    const sent = capture(c, 'server2', 'server1');
    c.startAll();
    c.run(1000);
    const s1 = c.core('server1');
    const before = s1.packetCounters();
    c.net.inject('server1', 0, sent[9].packet, '10.0.0.2'); // round 10 (t = 900), accepted at 901
    c.net.inject('server1', 0, sent[10].packet, '10.0.0.2'); // round 11 (t = 1000), in flight: arrives first
    c.run(1010);
    const after = s1.packetCounters();
    expect(after.replayed - before.replayed).toBe(2);
    expect(after.accepted - before.accepted).toBe(2 * 2); // the genuine ones from server2 and server3 at 1001

    c.run(8000); // 70 rounds later, round 1 is outside the 64-round window
    c.net.inject('server1', 0, sent[0].packet, '10.0.0.2');
    c.run(8010);
    expect(s1.packetCounters().stale).toBe(1);

    c.stop('server2'); // dies after its round at t = 8000 arrived
    c.run(9000);
    expect(c.state('server1', 'server2')).toBe('unknown');
    for (const s of [sent.at(-8)!, sent.at(-1)!]) {
      c.net.inject('server1', 0, s.packet, '10.0.0.2');
    }
    c.run(9100);
    expect(c.state('server1', 'server2')).toBe('unknown');
    expect(s1.packetCounters()).toMatchObject({ replayed: 4, stale: 1 });
  });

  test('a packet withheld on one interconnect and played back later is stale', () => {
    const c = new SimCluster();
    const ic1 = capture(c, 'server2', 'server1', 1);
    c.startAll();
    c.run(1000);
    c.net.setLink(1, 'server1', 'server2', false); // interconnect 1 withheld from here on
    c.run(2010);
    c.stop('server2'); // then server2 dies, after its round at t = 2000 arrived on interconnect 0
    c.run(2600);
    expect(c.state('server1', 'server2')).toBe('unknown');
    const withheld = ic1.filter((s) => s.at > 1000 && s.at <= 2000);
    expect(withheld).toHaveLength(10);
    for (const s of withheld) {
      c.net.inject('server1', 1, s.packet, '10.1.0.2');
    }
    c.run(3000);
    expect(c.state('server1', 'server2')).toBe('unknown');
    expect(c.core('server1').packetCounters().stale).toBe(10);
  });

  test('a restarted peer (higher incarnation) is accepted at once; its old incarnation is not', () => {
    const c = new SimCluster();
    const old = capture(c, 'server2', 'server1');
    c.startAll();
    c.run(1050);
    c.stop('server2');
    c.run(1150);
    c.start('server2'); // a new process: incarnation 1004 > 1002, sequence back to 1
    c.run(1300);
    const restarts = c.events.filter((r) => r.observer === 'server1' && r.event.type === 'restart');
    expect(restarts.map((r) => r.event)).toEqual([
      { type: 'restart', server: 'server2', previousIncarnation: '1002', incarnation: '1004', at: 1151 },
    ]);
    expect(c.state('server1', 'server2')).toBe('online');
    expect(c.transitions('server1', 'server2').filter((t) => t.at > 1)).toEqual([]); // back within the timeout
    expect(c.peer('server1', 'server2').incarnation).toBe('1004');
    c.net.inject('server1', 0, old[10].packet, '10.0.0.2'); // the last one of the old process
    c.run(1400);
    expect(c.core('server1').packetCounters().old_incarnation).toBe(1);
  });

  test('forged, foreign and misdirected packets are rejected with their own reason', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1000);
    const key = heartbeatKey(SECRET);
    const base = {
      cluster: 'sim',
      from: 'server2',
      to: 'server1',
      interconnect: 0,
      incarnation: 5000n,
      seq: 1,
      sentAt: 0,
      echo: null,
      revision: 0,
      hash: '',
      layout: c.core('server1').layout.digest,
      hears: { size: 3, members: [] },
      groups: { size: 0, members: [] },
      epochs: [],
    };
    const cases: Array<[string, Uint8Array, string, number?]> = [
      ['malformed', Buffer.from('hello'), '10.0.0.2'],
      ['wrong_cluster', encodeHeartbeat({ ...base, cluster: 'other' }, heartbeatKey('other')), '10.0.0.2'],
      ['bad_mac', encodeHeartbeat(base, heartbeatKey('guess')), '10.0.0.2'],
      ['from_self', encodeHeartbeat({ ...base, from: 'server1' }, key), '10.0.0.1'],
      ['unknown_sender', encodeHeartbeat({ ...base, from: 'server9' }, key), '10.0.0.9'],
      ['misrouted', encodeHeartbeat({ ...base, to: 'server3' }, key), '10.0.0.2'],
      ['misrouted', encodeHeartbeat(base, key), '10.0.0.3'],
      ['misrouted', encodeHeartbeat(base, key), '10.1.0.2', 1],
      ['old_incarnation', encodeHeartbeat({ ...base, incarnation: 1n }, key), '10.0.0.2'],
    ];
    const s1 = c.core('server1');
    for (const [reason, packet, from, ic] of cases) {
      const before = s1.packetCounters()[reason as 'malformed'];
      s1.receive(ic ?? 0, packet, from);
      expect([reason, s1.packetCounters()[reason as 'malformed'] - before]).toEqual([reason, 1]);
    }
    expect(
      s1
        .snapshot()
        .lastRejections.map((r) => r.reason)
        .sort()
    ).toEqual(
      ['bad_mac', 'from_self', 'malformed', 'misrouted', 'old_incarnation', 'unknown_sender', 'wrong_cluster'].sort()
    );
    // None of this disturbed anyone.
    c.run(3000);
    expect(c.transitions().filter((t) => t.at > 1)).toEqual([]);
  });
});

describe('membership simulation: summaries and muting', () => {
  test('a peer sees our revision, hash, groups and the peers we hear', () => {
    const c = new SimCluster({ groups: ['failover1', 'failover2', 'failover3'] });
    c.startAll();
    c.core('server2').updateSummary({
      revision: 7,
      hash: 'ab'.repeat(32),
      groups: ['failover3', 'failover1'],
      epochs: { failover3: 65 },
      desired: { revision: 97, stopped: ['failover2'], started: ['failover3'] },
    });
    c.run(1000);
    expect(c.peer('server1', 'server2').summary).toEqual({
      revision: 7,
      hash: 'ab'.repeat(32),
      layoutMatches: true,
      groups: ['failover1', 'failover3'],
      epochs: { failover1: 0, failover3: 65 },
      desired: { revision: 97, stopped: ['failover2'], started: ['failover3'] },
      hears: ['server1', 'server2', 'server3'],
      version: 3,
    });
    // A peer that announces no desired state yet is read as "nothing decided" (revision 0).
    expect(c.peer('server2', 'server1').summary?.desired).toEqual({ revision: 0, stopped: [], started: [] });
    c.net.setServer('server3', false);
    c.run(2000);
    expect(c.peer('server1', 'server2').summary?.hears).toEqual(['server1', 'server2']);
    const summaries = c.events.filter((r) => r.observer === 'server1' && r.event.type === 'summary');
    expect(summaries.length).toBeGreaterThanOrEqual(4); // first contact x2, groups, lost server3
    expect(() => c.core('server2').updateSummary({ revision: 1, hash: '', groups: ['nope'] })).toThrow(
      /groups not in the configuration: nope/
    );
    expect(() => c.core('server2').updateSummary({ revision: -1, hash: '', groups: [] })).toThrow(/revision/);
    expect(() => c.core('server2').updateSummary({ revision: 1, hash: 'XYZ', groups: [] })).toThrow(/hash/);
    expect(() =>
      c
        .core('server2')
        .updateSummary({ revision: 1, hash: '', groups: [], desired: { revision: 0.5, stopped: [], started: [] } })
    ).toThrow(/desired revision/);
  });

  test('a heartbeat overtaken by a newer one does not undo the newer summary', () => {
    // A round sent at once on a change, then the next: the older may arrive last.
    const c = new SimCluster({ groups: ['g1', 'g2'] });
    c.startAll();
    c.run(500);
    const s1 = c.core('server1');
    const packet = (seq: number, groups: number[]) =>
      encodeHeartbeat(
        {
          cluster: 'sim',
          from: 'server2',
          to: 'server1',
          interconnect: 0,
          incarnation: 9000n,
          seq,
          sentAt: 0,
          echo: null,
          revision: 0,
          hash: '',
          layout: s1.layout.digest,
          hears: { size: 3, members: [0, 1, 2] },
          groups: { size: 2, members: groups },
          epochs: groups.map(() => 0),
        },
        heartbeatKey(SECRET)
      );
    s1.receive(0, packet(2, [0, 1]), '10.0.0.2');
    s1.receive(0, packet(1, [0]), '10.0.0.2'); // accepted (replay window), but older
    expect(s1.packetCounters().accepted).toBeGreaterThan(0);
    expect(c.peer('server1', 'server2').summary?.groups).toEqual(['g1', 'g2']);
    s1.receive(0, packet(3, [0]), '10.0.0.2');
    expect(c.peer('server1', 'server2').summary?.groups).toEqual(['g1']);
  });

  test('a peer of heartbeat version 2 is read (no desired state) and answered in version 2', () => {
    // A rolling upgrade from the version before the desired state.
    const c = new SimCluster({ groups: ['g1', 'g2'] });
    c.startAll();
    c.run(500);
    c.net.setServer('server2', false); // its own rounds stop: only the crafted ones are heard
    const s1 = c.core('server1');
    const sent: Uint8Array[] = [];
    let crafted = false;
    c.net.tap((x) => crafted && x.from === 'server1' && x.to === 'server2' && sent.push(x.packet));
    for (let seq = 1; seq <= 3; seq++) {
      const v2 = encodeHeartbeat(
        {
          cluster: 'sim',
          from: 'server2',
          to: 'server1',
          interconnect: 0,
          incarnation: 9000n,
          seq,
          sentAt: 0,
          echo: null,
          revision: 0,
          hash: '',
          layout: s1.layout.digest,
          hears: { size: 3, members: [0, 1, 2] },
          groups: { size: 2, members: [1] },
          epochs: [64],
          version: 2,
        },
        heartbeatKey(SECRET)
      );
      s1.receive(0, v2, '10.0.0.2');
      crafted = true;
      c.run(600 + seq * 100);
    }
    expect(c.peer('server1', 'server2').summary).toMatchObject({
      groups: ['g2'],
      epochs: { g2: 64 },
      desired: null,
      version: 2,
    });
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.map((p) => p[0])).toEqual(sent.map(() => 2));
  });

  test('a peer whose server or group lists differ is heard, but its summary is not read', () => {
    const c = new SimCluster({
      groups: ['g1', 'g2'],
      configFor: (server, base) => (server === 'server2' ? { ...base, groups: [...base.groups].reverse() } : base),
    });
    c.startAll();
    c.core('server2').updateSummary({ revision: 3, hash: '', groups: ['g1'] });
    c.run(500);
    expect(c.state('server1', 'server2')).toBe('online');
    expect(c.peer('server1', 'server2').summary).toEqual({
      revision: 3,
      hash: '',
      layoutMatches: false,
      groups: null,
      epochs: null,
      desired: null,
      hears: null,
      version: 3,
    });
  });

  test('a muted agent is seen down by its peers, and online again when it resumes', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1000);
    c.core('server2').setMuted(true, 'test');
    c.run(2000);
    expect(c.state('server1', 'server2')).toBe('unknown');
    expect(c.state('server2', 'server1')).toBe('online'); // it still listens
    c.core('server2').setMuted(false, 'test');
    c.run(2101); // the next round leaves at 2100
    expect(c.transitions('server1', 'server2').at(-1)).toMatchObject({ to: 'online', at: 2101 });
    expect(c.events.filter((r) => r.event.type === 'muted').map((r) => r.event)).toEqual([
      { type: 'muted', muted: true, reason: 'test', at: 1000 },
      { type: 'muted', muted: false, reason: 'test', at: 2000 },
    ]);
  });

  test('stop() leaves no timer behind', () => {
    const c = new SimCluster();
    c.startAll();
    c.run(1000);
    for (const s of c.names) {
      c.stop(s);
    }
    c.run(2000);
    expect(c.clock.pending()).toBe(0);
  });
});
