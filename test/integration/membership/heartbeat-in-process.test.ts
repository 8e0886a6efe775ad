// The same service run from the TypeScript sources (as jest loads them): no compiled
// worker.js beside the module, so mode `auto` runs the runtime in-process. Heartbeats then
// share the main thread's event loop; everything else behaves the same.
import { HeartbeatService, isLanSilent, type MembershipEvent } from '../../../backend/membership';
import { loopbackConfig, waitFor } from './support';

const SECRET = 'in-process secret';

describe('heartbeat service in-process (from the sources)', () => {
  test('auto mode falls back to in-process; `worker` mode says how to get the worker', () => {
    const config = loopbackConfig();
    expect(new HeartbeatService(config, 'server1', SECRET).mode).toBe('in-process');
    expect(() => new HeartbeatService(config, 'server1', SECRET, { mode: 'worker' })).toThrow(
      /worker\.js not found: run the compiled agent \(npm run build:backend\), or use mode "in-process"/
    );
  });

  test('constructor errors are immediate and clear', () => {
    const config = loopbackConfig();
    expect(() => new HeartbeatService(config, 'server7', SECRET)).toThrow(/"server7" is not in the configuration/);
    expect(() => new HeartbeatService(config, 'server1', '')).toThrow(/secret is empty/);
  });

  test('two in-process services see each other, and a stop is detected', async () => {
    const config = loopbackConfig();
    const a = new HeartbeatService(config, 'server1', SECRET);
    const b = new HeartbeatService(config, 'server2', SECRET);
    const events: MembershipEvent[] = [];
    a.on('event', (e) => events.push(e));
    const rtt: number[] = [];
    a.on('rtt', (s) => rtt.push(s.ms));
    try {
      await a.start();
      await b.start();
      await waitFor(
        'online',
        () => a.snapshot()?.peers[0].state === 'online' && b.snapshot()?.peers[0].state === 'online'
      );
      await waitFor('an RTT sample', () => rtt.length > 0);
      await b.stop();
      expect(b.snapshot()?.running).toBe(false);
      await waitFor('server2 down', () => isLanSilent(a.snapshot()!.peers[0].state));
      const down = events.find((e) => e.type === 'transition' && isLanSilent(e.to));
      expect(down).toMatchObject({ server: 'server2', from: 'suspect', to: 'unknown' });
      // start() again after stop() works: the same sockets, a new incarnation.
      const first = b.incarnation;
      await b.start();
      expect(b.incarnation).toBeGreaterThan(first);
      await waitFor('back online', () => a.snapshot()!.peers[0].state === 'online');
      expect(events.filter((e) => e.type === 'restart')).toEqual([
        expect.objectContaining({ server: 'server2', previousIncarnation: first.toString() }),
      ]);
      expect(a.counters().replayed + a.counters().stale).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
    await a.stop(); // idempotent
  });
});
