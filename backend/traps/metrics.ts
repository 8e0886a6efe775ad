/**
 * Prometheus metrics of trap intake. Label values come only from bounded sets: server
 * names from the configuration, the three classes, IPMI sensor type names (at most 256),
 * and the fixed list of packet results.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { REJECT_REASONS, type PacketResult } from './receiver/snmp-receiver';

export class TrapMetrics {
  readonly received: Counter<'server' | 'class' | 'sensor_type'>;
  readonly packets: Counter<'result'>;
  readonly rejected: Counter<'reason'>;
  readonly lastFatal: Gauge<'server'>;
  readonly processing: Histogram;
  readonly recoveryRequests: Counter<'monitor' | 'server'>;
  private readonly packetChildren = new Map<string, { inc(): void }>();
  private readonly rejectedChildren = new Map<string, { inc(): void }>();
  private readonly receivedChildren = new Map<string, { inc(): void }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.packets = new Counter({
      name: 'lifeline_trap_packets_total',
      help: 'SNMP datagrams received on trap sockets, by result (accepted, discovery, or the rejection reason).',
      labelNames: ['result'],
      registers,
    });
    this.rejected = new Counter({
      name: 'lifeline_trap_packets_rejected_total',
      help: 'SNMP datagrams rejected, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of REJECT_REASONS) {
      this.rejected.labels(reason).inc(0); // every reason visible from the start, so rate() works
    }
    this.received = new Counter({
      name: 'lifeline_traps_received_total',
      help: 'Traps accepted, by the server they concern, their class and IPMI sensor type ("none" for non-PET traps).',
      labelNames: ['server', 'class', 'sensor_type'],
      registers,
    });
    this.lastFatal = new Gauge({
      name: 'lifeline_trap_last_fatal_timestamp_seconds',
      help: 'Unix time of the last fatal BMC event per server.',
      labelNames: ['server'],
      registers,
    });
    this.processing = new Histogram({
      name: 'lifeline_trap_processing_seconds',
      help: 'Time from a datagram arriving to its trap being decoded, classified, logged and applied to monitors.',
      buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    });
    this.recoveryRequests = new Counter({
      name: 'lifeline_recovery_requests_total',
      help: 'Recovery requests raised by monitors entering error.',
      labelNames: ['monitor', 'server'],
      registers,
    });
  }

  packet(result: PacketResult): void {
    let c = this.packetChildren.get(result);
    if (!c) {
      c = this.packets.labels(result);
      this.packetChildren.set(result, c);
    }
    c.inc();
    if (result !== 'accepted' && result !== 'discovery') {
      let r = this.rejectedChildren.get(result);
      if (!r) {
        r = this.rejected.labels(result);
        this.rejectedChildren.set(result, r);
      }
      r.inc();
    }
  }

  private readonly fatalChildren = new Map<string, { set(v: number): void }>();

  fatal(server: string, atMs: number): void {
    let g = this.fatalChildren.get(server);
    if (!g) {
      g = this.lastFatal.labels(server);
      this.fatalChildren.set(server, g);
    }
    g.set(atMs / 1000);
  }

  trap(server: string, cls: string, sensorType: string): void {
    const k = `${server}\u0000${cls}\u0000${sensorType}`;
    let c = this.receivedChildren.get(k);
    if (!c) {
      c = this.received.labels(server, cls, sensorType);
      this.receivedChildren.set(k, c);
    }
    c.inc();
  }
}
