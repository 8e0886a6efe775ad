import { Registry } from 'prom-client';
import { EventLoopWatch, userModeMonitors, userwCheck, type UserModeMonitorSpec } from '../../../backend/agent/userw';
import { validateConfig } from '../../../backend/config/model';
import { MonitorBoard } from '../../../backend/monitors/monitor-board';
import { loopbackCluster } from '../../support/cluster';

const spec: UserModeMonitorSpec = { name: 'userw', intervalMs: 100, timeoutMs: 200, retries: 1, initialWaitMs: 0 };

describe('userw check (pure)', () => {
  test('a delay above the timeout fails; more than `retries` failures in a row raise, once', () => {
    let s = { failures: 0, raised: false };
    const a = userwCheck(spec, s, 250);
    expect(a.action).toBe('none'); // 1 failure, 1 retry allowed
    s = a.state;
    const b = userwCheck(spec, s, 300);
    expect(b).toMatchObject({ action: 'raise', state: { failures: 2, raised: true } });
    expect(b.action === 'raise' && b.reason).toBe(
      'event loop blocked for 300 ms (limit 200 ms, 2 failed checks in a row)'
    );
    expect(userwCheck(spec, b.state, 500).action).toBe('none');
  });

  test('a passing check resets the count, and clears only an error it raised', () => {
    expect(userwCheck(spec, { failures: 1, raised: false }, 10)).toEqual({
      action: 'none',
      state: { failures: 0, raised: false },
    });
    expect(userwCheck(spec, { failures: 3, raised: true }, 10)).toMatchObject({
      action: 'clear',
      state: { failures: 0, raised: false },
    });
  });

  test('monitors of this server with timing "always" run; "active" ones wait for the failover engine', () => {
    const data = loopbackCluster({
      servers: 2,
      apiPort: 1,
      lanPorts: [2],
      monitors: [
        { name: 'userw', type: 'user-mode', intervalMs: 1000, timeoutMs: 3000, retries: 2 },
        { name: 'userw2', type: 'user-mode', servers: ['server2'] },
        { name: 'userw3', type: 'user-mode', timing: { mode: 'active', resource: 'app' } },
      ],
    });
    data.groups = [{ name: 'g', resources: [{ name: 'app', type: 'exec', start: 'true', stop: 'true' }] }];
    const r = validateConfig(data);
    if (!r.ok) {
      throw new Error(JSON.stringify(r.problems));
    }
    expect(userModeMonitors(r.config, 'server1')).toEqual([
      { name: 'userw', intervalMs: 1000, timeoutMs: 3000, retries: 2, initialWaitMs: 0 },
    ]);
  });
});

describe('EventLoopWatch (real timers)', () => {
  function busy(ms: number) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // block the event loop
    }
  }

  test('a blocked loop puts the monitor in error, and a responsive one clears it; the summary shows the stall', async () => {
    const registry = new Registry();
    const board = new MonitorBoard([{ name: 'userw', servers: ['server1'] }]);
    const watch = new EventLoopWatch({
      registry,
      board,
      self: 'server1',
      monitors: [{ ...spec, retries: 0 }],
    });
    watch.start();
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect(board.get('userw', 'server1')?.status).toBe('normal');
      const before = watch.windowStats();
      busy(400);
      for (let i = 0; i < 50 && board.get('userw', 'server1')?.status !== 'error'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(board.get('userw', 'server1')).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(/^event loop blocked for \d+ ms \(limit 200 ms/),
      });
      for (let i = 0; i < 50 && board.get('userw', 'server1')?.status !== 'normal'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(board.get('userw', 'server1')?.reason).toMatch(/^event loop responsive again/);
      const stats = watch.windowStats();
      expect(stats.samples).toBeGreaterThan(before.samples);
      expect(stats.max).toBeGreaterThan(Math.max(350, before.max));
      expect(stats.p50).toBeLessThan(50);
      const text = await registry.metrics();
      expect(text).toContain('# TYPE lifeline_event_loop_delay_seconds summary');
      expect(text).toMatch(/^lifeline_event_loop_delay_seconds\{quantile="1"\} 0\.[3-9]\d*/m);
      expect(text).toMatch(/^lifeline_event_loop_delay_seconds\{quantile="0\.99"\} /m);
      expect(text).toMatch(/^lifeline_event_loop_delay_seconds_sum [\d.]+$/m);
      expect(text).toMatch(/^lifeline_event_loop_delay_seconds_count \d+$/m);
    } finally {
      watch.stop();
    }
  });
});
