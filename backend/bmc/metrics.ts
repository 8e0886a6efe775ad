// Prometheus metrics of the BMC checks, registered on a registry the caller owns.
//
//   lifeline_bmc_up{server}                    1 = the BMC answers presence pings (the checker's
//                                              `reachable`, i.e. after its miss threshold), 0 = not.
//                                              Absent until the first ping of that server finished.
//   lifeline_bmc_chassis_power_on{server}      1 = on, 0 = off, ABSENT when unknown.
//   lifeline_bmc_ping_rtt_seconds{server}      histogram of answered presence pings.
//   lifeline_bmc_ipmitool_calls_total{result}  ok | error | timeout | spawn_error | busy.
//   lifeline_bmc_ipmitool_duration_seconds     histogram of ipmitool processes that ran.
//
// Why "absent" for an unknown power state rather than -1: that is what prometheus
// ipmi_exporter does with ipmi_chassis_power_state (it is not exported when the chassis
// collector fails, and ipmi_up says so), and a -1 would silently corrupt sum(), avg() and
// "== 0" alerts. Alert on unknown with `lifeline_bmc_up == 1 unless lifeline_bmc_chassis_power_on`
// or absent(). The server label is bounded by the configuration (at most 32 servers).

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BmcCheckerObserver } from './checker';
import type { BmcPeerState } from './checker-state';
import type { PingResult } from './rmcp-ping';
import type { IpmiCallResult, IpmiOutcome } from './types';

const RESULTS: IpmiOutcome[] = ['ok', 'error', 'timeout', 'spawn_error', 'busy'];

export interface BmcMetricsOptions {
  /** Presence ping RTT buckets in seconds: LAN answers take well under a millisecond. */
  pingBuckets?: number[];
  /** ipmitool duration buckets in seconds: ~20 ms when fine, ~2 s when the BMC is down, 10 s when killed. */
  durationBuckets?: number[];
}

export class BmcMetrics implements BmcCheckerObserver {
  private readonly up: Gauge<'server'>;
  private readonly powerOn: Gauge<'server'>;
  private readonly pingRtt: Histogram<'server'>;
  private readonly calls: Counter<'result'>;
  private readonly duration: Histogram;

  constructor(registry: Registry, options: BmcMetricsOptions = {}) {
    const registers = [registry];
    this.up = new Gauge({
      name: 'lifeline_bmc_up',
      help: 'Whether the BMC of a server answers RMCP presence pings (1) or not (0).',
      labelNames: ['server'],
      registers,
    });
    this.powerOn = new Gauge({
      name: 'lifeline_bmc_chassis_power_on',
      help: 'Chassis power of a server as read through its BMC: 1 on, 0 off; absent when unknown.',
      labelNames: ['server'],
      registers,
    });
    this.pingRtt = new Histogram({
      name: 'lifeline_bmc_ping_rtt_seconds',
      help: 'Round-trip time of answered RMCP presence pings.',
      labelNames: ['server'],
      buckets: options.pingBuckets ?? [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.calls = new Counter({
      name: 'lifeline_bmc_ipmitool_calls_total',
      help: 'ipmitool calls by result (busy: refused without a process, one call per BMC at a time).',
      labelNames: ['result'],
      registers,
    });
    this.duration = new Histogram({
      name: 'lifeline_bmc_ipmitool_duration_seconds',
      help: 'Wall time of ipmitool processes, from spawn to exit.',
      buckets: options.durationBuckets ?? [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    // Every result series exists from the start, so rate() and increase() see the first call.
    for (const r of RESULTS) {
      this.calls.labels(r).inc(0);
    }
  }

  onPing(server: string, result: PingResult): void {
    if (result.ok) {
      this.pingRtt.labels(server).observe(result.rttMs / 1000);
    }
  }

  onState(state: BmcPeerState): void {
    if (state.lastPingAt !== null) {
      this.up.labels(state.server).set(state.reachable ? 1 : 0);
    }
    if (state.power === 'unknown') {
      this.powerOn.remove(state.server);
    } else {
      this.powerOn.labels(state.server).set(state.power === 'on' ? 1 : 0);
    }
  }

  /** Pass as IpmitoolRunner's `onCall`. */
  onIpmitoolCall = (result: IpmiCallResult): void => {
    this.calls.labels(result.outcome).inc();
    if (result.outcome !== 'busy' && result.outcome !== 'spawn_error') {
      this.duration.observe(result.durationMs / 1000);
    }
  };

  /** Drops the series of a server that left the configuration. */
  forget(server: string): void {
    this.up.remove(server);
    this.powerOn.remove(server);
    this.pingRtt.remove(server);
  }
}
