// BmcMetrics on a private prom-client registry: names, labels and the documented semantics.
import { Registry } from 'prom-client';
import { initialState, type BmcPeerState } from '../../../backend/bmc/checker-state';
import { BmcMetrics } from '../../../backend/bmc/metrics';
import { ipmiFail, ipmiOk, noPong, pong } from './results';

function state(extra: Partial<BmcPeerState>): BmcPeerState {
  return { ...initialState('server2'), ...extra };
}

async function sample(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {}
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val)
  );
  return match?.value;
}

describe('BmcMetrics', () => {
  test('lifeline_bmc_up follows reachable, and is absent before the first ping', async () => {
    const registry = new Registry();
    const m = new BmcMetrics(registry);
    m.onState(state({}));
    expect(await sample(registry, 'lifeline_bmc_up', { server: 'server2' })).toBeUndefined();
    m.onState(state({ lastPingAt: 1, reachable: true }));
    expect(await sample(registry, 'lifeline_bmc_up', { server: 'server2' })).toBe(1);
    m.onState(state({ lastPingAt: 2, reachable: false }));
    expect(await sample(registry, 'lifeline_bmc_up', { server: 'server2' })).toBe(0);
  });

  test('lifeline_bmc_chassis_power_on is 1 / 0, and absent while unknown', async () => {
    const registry = new Registry();
    const m = new BmcMetrics(registry);
    m.onState(state({ power: 'on' }));
    expect(await sample(registry, 'lifeline_bmc_chassis_power_on', { server: 'server2' })).toBe(1);
    m.onState(state({ power: 'off' }));
    expect(await sample(registry, 'lifeline_bmc_chassis_power_on', { server: 'server2' })).toBe(0);
    m.onState(state({ power: 'unknown' }));
    expect(await registry.metrics()).not.toMatch(/^lifeline_bmc_chassis_power_on\{/m);
  });

  test('ping RTT histogram in seconds, answered pings only', async () => {
    const registry = new Registry();
    const m = new BmcMetrics(registry);
    m.onPing('server2', pong(0.4));
    m.onPing('server2', noPong());
    const text = await registry.metrics();
    expect(text).toContain('lifeline_bmc_ping_rtt_seconds_count{server="server2"} 1');
    expect(text).toContain('lifeline_bmc_ping_rtt_seconds_sum{server="server2"} 0.0004');
    expect(text).toContain('lifeline_bmc_ping_rtt_seconds_bucket{le="0.0005",server="server2"} 1');
  });

  test('ipmitool calls by result, all results present from the start; durations of processes only', async () => {
    const registry = new Registry();
    const m = new BmcMetrics(registry);
    for (const result of ['ok', 'error', 'timeout', 'spawn_error', 'busy']) {
      expect(await sample(registry, 'lifeline_bmc_ipmitool_calls_total', { result })).toBe(0);
    }
    m.onIpmitoolCall(ipmiOk('status', 'on'));
    m.onIpmitoolCall(ipmiFail('status', 'timeout'));
    m.onIpmitoolCall(ipmiFail('status', 'busy'));
    expect(await sample(registry, 'lifeline_bmc_ipmitool_calls_total', { result: 'ok' })).toBe(1);
    expect(await sample(registry, 'lifeline_bmc_ipmitool_calls_total', { result: 'timeout' })).toBe(1);
    expect(await sample(registry, 'lifeline_bmc_ipmitool_calls_total', { result: 'busy' })).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('lifeline_bmc_ipmitool_duration_seconds_count 2');
    expect(text).toContain('lifeline_bmc_ipmitool_duration_seconds_sum 2.022');
  });

  test('forget() drops a server; help texts and types are exposed', async () => {
    const registry = new Registry();
    const m = new BmcMetrics(registry);
    m.onState(state({ lastPingAt: 1, reachable: true, power: 'on' }));
    m.onPing('server2', pong());
    m.forget('server2');
    const text = await registry.metrics();
    expect(text).not.toContain('server="server2"');
    expect(text).toContain('# TYPE lifeline_bmc_up gauge');
    expect(text).toContain('# TYPE lifeline_bmc_ipmitool_calls_total counter');
    expect(text).toContain('# TYPE lifeline_bmc_ping_rtt_seconds histogram');
  });
});
