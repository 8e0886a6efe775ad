// The Prometheus metrics, fed from a simulated membership core through a fake source.
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import {
  registerMembershipMetrics,
  type HeartbeatService,
  type MembershipSnapshot,
  type MetricsSource,
  type RttSample,
} from '../../../backend/membership';
import { SimCluster } from './sim/cluster';

class FakeSource extends EventEmitter<{ rtt: [RttSample] }> implements MetricsSource {
  constructor(
    private readonly c: SimCluster,
    private readonly server: string
  ) {
    super();
  }
  snapshot(): MembershipSnapshot {
    return this.c.core(this.server).snapshot();
  }
  now(): number {
    return this.c.clock.now();
  }
}

// The real service must fit where the metrics expect a source (checked by tsc on this file).
export const serviceIsASource = (s: HeartbeatService): MetricsSource => s;

describe('membership metrics', () => {
  test('path up, last seen, RTT, packets by result and one-hot server state', async () => {
    const c = new SimCluster();
    const source = new FakeSource(c, 'server1');
    const registry = new Registry();
    const metrics = registerMembershipMetrics(registry, source);
    c.startAll();
    c.core('server1').onRtt((s) => source.emit('rtt', s));
    c.run(1000);
    c.net.setServer('server3', false, [1]);
    c.run(1900);
    c.stop('server2');
    c.run(2300);
    const text = await registry.metrics();

    expect(text).toContain('lifeline_heartbeat_path_up{peer="server2",interconnect="0"} 1');
    expect(text).toContain('lifeline_heartbeat_path_up{peer="server3",interconnect="1"} 0');
    expect(text).toContain('lifeline_heartbeat_last_seen_seconds{peer="server3",interconnect="1"} 1.399');
    expect(text).toContain('lifeline_heartbeat_last_seen_seconds{peer="server2",interconnect="0"} 0.399');
    expect(text).toMatch(/lifeline_heartbeat_rtt_seconds_bucket\{le="0\.0025",peer="server2",interconnect="0"\} \d+/);
    expect(text).toContain('lifeline_heartbeat_rtt_seconds_sum{peer="server3",interconnect="0"}');
    const counters = c.core('server1').packetCounters();
    expect(text).toContain(`lifeline_heartbeat_packets_total{result="sent"} ${counters.sent}`);
    expect(text).toContain(`lifeline_heartbeat_packets_total{result="accepted"} ${counters.accepted}`);
    expect(text).toContain('lifeline_heartbeat_packets_total{result="bad_mac"} 0');
    expect(text).toContain('lifeline_server_state{server="server1",state="online"} 1');
    expect(text).toContain('lifeline_server_state{server="server2",state="suspect"} 1');
    expect(text).toContain('lifeline_server_state{server="server2",state="online"} 0');
    expect(text).toContain('lifeline_server_state{server="server3",state="online"} 1');
    // One-hot: exactly one state per server.
    const ones = [...text.matchAll(/lifeline_server_state\{server="(\w+)",state="[\w-]+"\} 1/g)].map((m) => m[1]);
    expect(ones.sort()).toEqual(['server1', 'server2', 'server3']);

    // Counters only ever grow between scrapes of one service.
    c.run(3000);
    const again = await registry.metrics();
    const sent = (t: string) => Number(/lifeline_heartbeat_packets_total\{result="sent"\} (\d+)/.exec(t)![1]);
    expect(sent(again)).toBeGreaterThan(sent(text));

    metrics.dispose();
    expect(await registry.metrics()).toBe('\n');
    expect(source.listenerCount('rtt')).toBe(0);
  });

  test('before the service has a snapshot, nothing is exported but the zeroed counters', async () => {
    const registry = new Registry();
    const source = Object.assign(new EventEmitter(), { snapshot: () => null, now: () => 0 });
    registerMembershipMetrics(registry, source as unknown as MetricsSource);
    const text = await registry.metrics();
    expect(text).not.toMatch(/lifeline_heartbeat_path_up\{/);
    expect(text).not.toMatch(/lifeline_server_state\{/);
    expect(text).toContain('lifeline_heartbeat_packets_total{result="replayed"} 0');
  });
});
