// The heartbeat service for real: UDP on loopback, each service's sockets and core in its
// own worker thread (the compiled build). Small intervals (100 ms / 500 ms) keep it quick;
// waits are generous and timing checks are about correctness (never declared down early,
// always declared down in the end), with a wide tolerance on "how late".
import fs from 'node:fs';
import path from 'node:path';
import type {
  HeartbeatService as Service,
  HeartbeatServiceOptions,
  MembershipEvent,
  TransitionEvent,
} from '../../../backend/membership';
import type { ClusterConfig } from '../../../backend/config/model';
import { BUILT_INDEX, busyWait, loadBuilt, loopbackConfig, sleep, waitFor } from './support';
import { ip, tempDir } from '../../support/isolation';

// The same hrtime clock as the heartbeat workers' (time/clock.ts), so their times compare.
import { monotonicNow } from '../../../backend/time/clock';

const { HeartbeatService, isLanSilent } = loadBuilt();
const SECRET = 'integration secret';
const INTERVAL = 100;
const TIMEOUT = 500;

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

interface Started {
  service: Service;
  events: MembershipEvent[];
}

async function startService(
  config: ClusterConfig,
  self: string,
  options: HeartbeatServiceOptions & { secret?: string } = {}
): Promise<Started> {
  const service = new HeartbeatService(config, self, options.secret ?? SECRET, { mode: 'worker', ...options });
  const events: MembershipEvent[] = [];
  service.on('event', (e) => events.push(e));
  await service.start();
  running.push(service);
  return { service, events };
}

function stateOf(s: Service, peer: string): string | undefined {
  return s.snapshot()?.peers.find((p) => p.server === peer)?.state;
}

function allOnline(services: Service[]): boolean {
  return services.every((s) => s.snapshot()!.peers.every((p) => p.state === 'online'));
}

const downTransitions = (events: MembershipEvent[], server?: string) =>
  events.filter(
    (e): e is TransitionEvent =>
      e.type === 'transition' && isLanSilent(e.to) && (server === undefined || e.server === server)
  );

describe('heartbeat service over UDP on loopback (worker threads)', () => {
  test('two servers see each other online on both interconnects, with RTT and counters', async () => {
    const config = loopbackConfig();
    const a = await startService(config, 'server1');
    const b = await startService(config, 'server2');
    expect(a.service.mode).toBe('worker');
    expect(a.service.bound).toEqual([
      { interconnect: 0, address: ip('127.0.0.1'), port: config.interconnects[0].port },
      { interconnect: 1, address: ip('127.0.2.1'), port: config.interconnects[1].port },
    ]);
    await waitFor('both online', () => allOnline([a.service, b.service]));
    await waitFor('RTT samples', () => a.service.snapshot()!.peers[0].paths.every((p) => p.rttMs !== null));
    const peer = a.service.snapshot()!.peers[0];
    expect(peer).toMatchObject({ server: 'server2', state: 'online', degraded: false });
    expect(peer.paths.map((p) => [p.interconnect, p.state])).toEqual([
      [0, 'up'],
      [1, 'up'],
    ]);
    expect(peer.incarnation).toBe(b.service.incarnation.toString());
    const c = a.service.counters();
    expect(c.sent).toBeGreaterThan(0);
    expect(c.accepted).toBeGreaterThan(0);
    expect(c.bad_mac + c.malformed + c.misrouted + c.replayed + c.stale).toBe(0);
    expect(a.events.some((e) => e.type === 'transition' && e.to === 'online')).toBe(true);
  });

  test('three servers; a stopped one is declared down by both others, never early', async () => {
    const config = loopbackConfig({ servers: 3 });
    const s = await Promise.all(['server1', 'server2', 'server3'].map((n) => startService(config, n)));
    await waitFor('all online', () => allOnline(s.map((x) => x.service)));
    await sleep(300);
    const stoppedAt = monotonicNow();
    await s[2].service.stop();
    await waitFor('server3 down at server1 and server2', () =>
      [s[0], s[1]].every((x) => downTransitions(x.events, 'server3').length > 0)
    );
    for (const x of [s[0], s[1]]) {
      const t = downTransitions(x.events, 'server3')[0];
      expect(t.to).toBe('unknown'); // no BMC configured
      for (const p of t.evidence.paths) {
        expect(p.state).toBe('down');
        expect(p.silenceMs).toBeGreaterThanOrEqual(TIMEOUT);
        expect(p.lastHeardAt!).toBeLessThanOrEqual(monotonicNow());
      }
      // Within timeout + interval of the stop, with a generous second of tolerance for a busy machine.
      expect(t.at - stoppedAt).toBeLessThanOrEqual(TIMEOUT + INTERVAL + 1000);
      expect(stateOf(x.service, 'server3')).toBe('unknown');
    }
    // The two survivors never doubted each other.
    expect(downTransitions(s[0].events, 'server2')).toEqual([]);
    expect(downTransitions(s[1].events, 'server1')).toEqual([]);
  });

  test('a peer with the wrong secret is refused as bad_mac and never seen online', async () => {
    const config = loopbackConfig();
    const a = await startService(config, 'server1');
    const b = await startService(config, 'server2', { secret: 'not the secret' });
    await waitFor('bad_mac counted on both sides', () => [a, b].every((x) => x.service.counters().bad_mac >= 10));
    await sleep(TIMEOUT + 2 * INTERVAL);
    expect(a.service.counters().accepted).toBe(0);
    expect(stateOf(a.service, 'server2')).toBe('unknown');
    expect(a.events.filter((e) => e.type === 'transition' && e.to === 'online')).toEqual([]);
    const rejection = a.service.snapshot()!.lastRejections[0];
    expect(rejection).toMatchObject({ reason: 'bad_mac' });
    expect([ip('127.0.0.2'), ip('127.0.2.2')]).toContain(rejection.fromAddress);
  });

  test('BMC readings fed to the service decide offline-confirmed / hung-or-partitioned', async () => {
    const config = loopbackConfig({ bmc: true });
    const a = await startService(config, 'server1');
    const b = await startService(config, 'server2');
    await waitFor('online', () => stateOf(a.service, 'server2') === 'online');
    await b.service.stop();
    await waitFor('server2 unknown', () => stateOf(a.service, 'server2') === 'unknown');
    a.service.reportBmc('server2', { reachable: true, power: 'off' });
    await waitFor('offline-confirmed', () => stateOf(a.service, 'server2') === 'offline-confirmed');
    a.service.reportBmc('server2', { reachable: true, power: 'on' });
    await waitFor('hung-or-partitioned', () => stateOf(a.service, 'server2') === 'hung-or-partitioned');
    const t = a.events.filter((e): e is TransitionEvent => e.type === 'transition').at(-1)!;
    expect(t.evidence.bmc).toMatchObject({ configured: true, current: true, report: { reachable: true, power: 'on' } });
    expect(() => a.service.reportBmc('server9', { reachable: true, power: 'on' })).toThrow(/not a peer/);
    expect(() => a.service.reportBmc('server2', { reachable: true, power: 'maybe' as 'on' })).toThrow(/power/);
  });

  test('summaries travel: revision, hash, groups held with their claim epochs, and peers heard', async () => {
    const config = loopbackConfig({ groups: ['failover1', 'failover2'] });
    const a = await startService(config, 'server1');
    const b = await startService(config, 'server2');
    // Once they hear each other: a change of groups goes out at once, with whom b hears then.
    await waitFor('online', () => allOnline([a.service, b.service]));
    b.service.updateSummary({ revision: 12, hash: 'ab'.repeat(32), groups: ['failover1'], epochs: { failover1: 97 } });
    await waitFor('summary at server1', () => a.service.snapshot()!.peers[0].summary?.revision === 12);
    expect(a.service.snapshot()!.peers[0].summary).toEqual({
      revision: 12,
      hash: 'ab'.repeat(32),
      layoutMatches: true,
      groups: ['failover1'],
      epochs: { failover1: 97 },
      hears: ['server1', 'server2'],
      // Version 3 carries the desired state too: none said yet (groups/desired.ts).
      desired: { revision: 0, stopped: [], started: [] },
      version: 3,
    });
    expect(() => b.service.updateSummary({ revision: 1, hash: '', groups: ['nope'] })).toThrow(/nope/);
  });

  test('a busy main thread (3 timeouts of synchronous work) is not declared dead by its peer', async () => {
    const config = loopbackConfig();
    const a = await startService(config, 'server1');
    const b = await startService(config, 'server2');
    await waitFor('online', () => allOnline([a.service, b.service]));
    // Both services' main-thread sides are in this (blocked) thread; their workers are not.
    busyWait(3 * TIMEOUT);
    await sleep(3 * INTERVAL); // let the queued reports arrive
    expect(downTransitions(a.events)).toEqual([]);
    expect(downTransitions(b.events)).toEqual([]);
    expect(allOnline([a.service, b.service])).toBe(true);
  });

  test('a main thread stalled beyond mainStallLimitMs mutes its heartbeats, and recovers', async () => {
    const config = loopbackConfig();
    const a = await startService(config, 'server1', { mainStallLimitMs: 800 });
    const b = await startService(config, 'server2', { mainStallLimitMs: null });
    await waitFor('online', () => allOnline([a.service, b.service]));
    busyWait(800 + TIMEOUT + 1200); // muted after ~0.8 s, then seen silent for a timeout, with margin
    await waitFor(
      'server1 unmuted and back online at server2',
      () => a.events.some((e) => e.type === 'muted' && !e.muted) && stateOf(b.service, 'server1') === 'online'
    );
    expect(a.events.filter((e) => e.type === 'muted').map((e) => (e as { muted: boolean }).muted)).toEqual([
      true,
      false,
    ]);
    expect(downTransitions(b.events, 'server1')).toHaveLength(1);
    expect(downTransitions(a.events)).toEqual([]); // server1 itself kept hearing server2
  });

  test('a bind conflict fails start() naming the address and port', async () => {
    const config = loopbackConfig();
    await startService(config, 'server1');
    const port = config.interconnects[0].port!;
    const twin = new HeartbeatService(config, 'server1', SECRET, { mode: 'worker' });
    await expect(twin.start()).rejects.toThrow(
      `cannot bind the heartbeat socket of interconnect 0 to ${ip('127.0.0.1')}:${port}: the port is already in use`
    );
    await expect(twin.start()).rejects.toThrow(/EADDRINUSE/); // start() may be retried
    // An address this host does not have (TEST-NET-1): a configuration for another machine.
    const other = loopbackConfig();
    other.interconnects[1].addresses.server1 = '192.0.2.1';
    const notMine = new HeartbeatService(other, 'server1', SECRET, { mode: 'worker' });
    await expect(notMine.start()).rejects.toThrow(
      `to 192.0.2.1:${other.interconnects[1].port}: the address is not assigned to any interface of this host`
    );
    // All or nothing: the socket of interconnect 0, bound first, was closed again.
    const retry = new HeartbeatService(other, 'server1', SECRET, { mode: 'worker' });
    await expect(retry.start()).rejects.toThrow(/192\.0\.2\.1/);
  });

  test('a worker that dies emits error; its peer sees the server go down; stop() still returns', async () => {
    const dir = tempDir('lifeline-hb-');
    const script = path.join(dir, 'dying-worker.js');
    const real = path.join(path.dirname(require.resolve(BUILT_INDEX)), 'worker.js');
    fs.writeFileSync(
      script,
      `require(${JSON.stringify(real)});\nsetTimeout(() => { throw new Error('boom'); }, 800);\n`
    );
    try {
      const config = loopbackConfig();
      const a = await startService(config, 'server1');
      const b = new HeartbeatService(config, 'server2', SECRET, {
        mode: 'worker',
        workerScript: script,
        stopTimeoutMs: 30_000,
      });
      const errors: Error[] = [];
      b.on('error', (e) => errors.push(e));
      await b.start();
      await waitFor('online', () => stateOf(a.service, 'server2') === 'online');
      await waitFor('the error event', () => errors.length > 0);
      expect(errors.map((e) => e.message)).toEqual(['boom']);
      expect(b.snapshot()?.running).toBe(false);
      await waitFor('server2 down at server1', () => downTransitions(a.events, 'server2').length > 0);
      const t0 = Date.now();
      await b.stop();
      expect(Date.now() - t0).toBeLessThan(30_000); // did not wait out the stop timeout: the worker is known gone
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a worker that cannot start rejects start() with its error', async () => {
    const dir = tempDir('lifeline-hb-');
    const script = path.join(dir, 'broken-worker.js');
    fs.writeFileSync(script, 'throw new Error("broken on purpose");\n');
    try {
      const s = new HeartbeatService(loopbackConfig(), 'server1', SECRET, { mode: 'worker', workerScript: script });
      await expect(s.start()).rejects.toThrow('heartbeat worker failed: broken on purpose');
      expect(s.snapshot()).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
