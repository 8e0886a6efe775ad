/**
 * Prometheus metrics of the heartbeat service, registered on a registry the agent owns.
 * Every label value comes from a bounded set: server names from the configuration, the
 * interconnect index, the fixed packet results (types.ts) and the five server states.
 *
 *   lifeline_heartbeat_path_up{peer,interconnect}            1 while the path is up
 *   lifeline_heartbeat_last_seen_seconds{peer,interconnect}  silence on the path (since this
 *                                                            agent started if never heard)
 *   lifeline_heartbeat_rtt_seconds{peer,interconnect}        histogram of echo round trips
 *   lifeline_heartbeat_packets_total{result}                 sent, send_failed, accepted, and
 *                                                            one series per rejection reason
 *   lifeline_server_state{server,state}                      one-hot; this server is online
 *
 * Gauges and the counter are computed from the latest snapshot when scraped; seconds since
 * last heard are computed at scrape time, so they keep growing even if the snapshot is old.
 */
import { Histogram, type Registry } from 'prom-client';
import { registerComputed, type Sample } from '../metrics';
import { PACKET_RESULTS, SERVER_STATES, type MembershipSnapshot, type PathSnapshot, type RttSample } from './types';

export interface MetricsSource {
  snapshot(): MembershipSnapshot | null;
  /** The monotonic clock snapshot times are on. */
  now(): number;
  on(event: 'rtt', listener: (s: RttSample) => void): unknown;
  off(event: 'rtt', listener: (s: RttSample) => void): unknown;
}

/** Loopback is ~50 µs, a LAN well under 1 ms; the top buckets catch scheduling stalls. */
export const RTT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export const METRIC_NAMES = [
  'lifeline_heartbeat_path_up',
  'lifeline_heartbeat_last_seen_seconds',
  'lifeline_heartbeat_rtt_seconds',
  'lifeline_heartbeat_packets_total',
  'lifeline_server_state',
] as const;

export interface MembershipMetrics {
  /** Stops observing and removes the metrics from the registry. */
  dispose(): void;
}

export function registerMembershipMetrics(registry: Registry, source: MetricsSource): MembershipMetrics {
  // Every family but the histogram is computed from the latest snapshot when scraped;
  // dispose() removes them by name.
  const perPath = (value: (p: PathSnapshot, snap: MembershipSnapshot, now: number) => number) => (): Sample[] => {
    const snap = source.snapshot();
    if (snap === null) {
      return [];
    }
    const now = source.now();
    return snap.peers.flatMap((peer) =>
      peer.paths.map((p) => ({
        labels: { peer: peer.server, interconnect: String(p.interconnect) },
        value: value(p, snap, now),
      }))
    );
  };
  registerComputed(registry, {
    name: 'lifeline_heartbeat_path_up',
    help: 'Whether a heartbeat arrived on the path (peer x LAN interconnect) within the heartbeat timeout.',
    type: 'gauge',
    samples: perPath((p) => (p.state === 'up' ? 1 : 0)),
  });
  registerComputed(registry, {
    name: 'lifeline_heartbeat_last_seen_seconds',
    help: 'Seconds since the last accepted heartbeat on the path (since the agent started, if none yet).',
    type: 'gauge',
    samples: perPath((p, snap, now) => Math.max(0, now - (p.lastHeardAt ?? snap.startedAt)) / 1000),
  });
  const rtt = new Histogram({
    name: 'lifeline_heartbeat_rtt_seconds',
    help: 'Heartbeat round-trip time per path, measured by echo (hold time at the peer excluded).',
    labelNames: ['peer', 'interconnect'] as const,
    buckets: RTT_BUCKETS,
    registers: [registry],
  });
  registerComputed(registry, {
    name: 'lifeline_heartbeat_packets_total',
    help: 'Heartbeat packets by result: sent, send_failed, accepted, or the reason they were rejected.',
    type: 'counter',
    // The counts live in the runtime; mirror them. A restart of the service starts them
    // again at zero, which Prometheus handles as a counter reset.
    samples: () => {
      const counters = source.snapshot()?.counters;
      return PACKET_RESULTS.map((result) => ({ labels: { result }, value: counters?.[result] ?? 0 }));
    },
  });
  registerComputed(registry, {
    name: 'lifeline_server_state',
    help: "Each server's state as seen by this agent (one-hot over the five states).",
    type: 'gauge',
    samples: () => {
      const snap = source.snapshot();
      if (snap === null) {
        return [];
      }
      const states: Array<[string, string]> = [
        [snap.self, 'online'],
        ...snap.peers.map((p) => [p.server, p.state] as [string, string]),
      ];
      return states.flatMap(([server, current]) =>
        SERVER_STATES.map((state) => ({ labels: { server, state }, value: state === current ? 1 : 0 }))
      );
    },
  });
  const observe = (s: RttSample) => rtt.observe({ peer: s.server, interconnect: String(s.interconnect) }, s.ms / 1000);
  source.on('rtt', observe);
  return {
    dispose() {
      source.off('rtt', observe);
      for (const name of METRIC_NAMES) {
        registry.removeSingleMetric(name);
      }
    },
  };
}
