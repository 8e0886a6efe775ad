/**
 * An in-memory network of LAN interconnects on a virtual clock. Each datagram is delivered
 * after a latency, unless it is lost (a seeded draw at send time) or its link is cut at
 * delivery time (so packets in flight when a cable is pulled are lost too). The source
 * address is the sender's configured address on that interconnect, as with real UDP.
 * Used by the membership simulation tests and by the whole-cluster simulation (cluster/).
 */
import type { ClusterConfig } from '../config/model';
import type { Transport, TransportSink } from '../membership';
import type { Clock } from '../time/clock';

export interface Sent {
  from: string;
  to: string;
  interconnect: number;
  packet: Uint8Array;
  at: number;
}

export class SimNetwork {
  private readonly sinks = new Map<string, TransportSink>();
  private readonly cuts = new Set<string>();
  private readonly loss = new Map<string, number>();
  private readonly taps: Array<(s: Sent) => void> = [];
  private readonly deliveries: Array<(s: Sent) => void> = [];
  /** Milliseconds from send to delivery. */
  latency: (from: string, to: string, interconnect: number) => number = () => 1;
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'setTimer'>,
    private readonly config: ClusterConfig,
    private readonly rand: () => number = Math.random
  ) {}

  address(server: string, interconnect: number): string {
    return this.config.interconnects[interconnect].addresses[server];
  }

  transport(server: string): Transport {
    return {
      attach: (sink) => this.sinks.set(server, sink),
      send: (interconnect, to, packet) => this.send(server, to, interconnect, packet),
    };
  }

  /** Removes a server's sink: its packets are no longer received (a stopped agent). */
  detach(server: string): void {
    this.sinks.delete(server);
  }

  /** Sees every datagram sent (before loss or cuts). */
  tap(fn: (s: Sent) => void): void {
    this.taps.push(fn);
  }

  /** Sees every datagram delivered, just before the receiver gets it (`at` = delivery time). */
  onDeliver(fn: (s: Sent) => void): void {
    this.deliveries.push(fn);
  }

  private key(interconnect: number, from: string, to: string): string {
    return `${interconnect}:${from}>${to}`;
  }

  /** Whether one direction of one link is cut. */
  isCut(interconnect: number, from: string, to: string): boolean {
    return this.cuts.has(this.key(interconnect, from, to));
  }

  /** Cuts (or restores) one direction of one interconnect (asymmetric faults). */
  setOneWay(interconnect: number, from: string, to: string, up: boolean): void {
    const k = this.key(interconnect, from, to);
    if (up) {
      this.cuts.delete(k);
    } else {
      this.cuts.add(k);
    }
  }

  /** Restores every link and clears every loss setting. */
  healAll(): void {
    this.cuts.clear();
    this.loss.clear();
  }

  /** Cuts (or restores) one interconnect between two servers, both directions. */
  setLink(interconnect: number, a: string, b: string, up: boolean): void {
    for (const k of [this.key(interconnect, a, b), this.key(interconnect, b, a)]) {
      if (up) {
        this.cuts.delete(k);
      } else {
        this.cuts.add(k);
      }
    }
  }

  /** Cuts (or restores) every link of `server` on the given interconnects (default: all). */
  setServer(server: string, up: boolean, interconnects = this.lanIndexes()): void {
    for (const ic of interconnects) {
      for (const other of this.config.servers.map((s) => s.name)) {
        if (other !== server) {
          this.setLink(ic, server, other, up);
        }
      }
    }
  }

  /** Cuts (or restores) an interconnect for everyone. */
  setInterconnect(interconnect: number, up: boolean): void {
    for (const s of this.config.servers.map((x) => x.name)) {
      this.setServer(s, up, [interconnect]);
    }
  }

  /** Loss probability (0..1) of one direction of one link. */
  setLoss(interconnect: number, from: string, to: string, p: number): void {
    this.loss.set(this.key(interconnect, from, to), p);
  }

  lanIndexes(): number[] {
    return this.config.interconnects.flatMap((ic, i) => (ic.type === 'lan' ? [i] : []));
  }

  /** Delivers a datagram as if it came from `fromAddress` (for forged and replayed packets). */
  inject(to: string, interconnect: number, packet: Uint8Array, fromAddress: string, delayMs = 1): void {
    this.clock.setTimer(delayMs, () => this.sinks.get(to)?.receive(interconnect, packet, fromAddress));
  }

  private send(from: string, to: string, interconnect: number, packet: Uint8Array): void {
    const sent = { from, to, interconnect, packet: Uint8Array.from(packet), at: this.clock.now() };
    for (const t of this.taps) {
      t(sent);
    }
    const k = this.key(interconnect, from, to);
    const p = this.loss.get(k) ?? 0;
    if (p > 0 && this.rand() < p) {
      this.dropped++;
      return;
    }
    const source = this.address(from, interconnect);
    this.clock.setTimer(this.latency(from, to, interconnect), () => {
      const sink = this.sinks.get(to);
      if (this.cuts.has(k) || sink === undefined) {
        this.dropped++;
        return;
      }
      this.delivered++;
      for (const d of this.deliveries) {
        d({ ...sent, at: this.clock.now() });
      }
      sink.receive(interconnect, sent.packet, source);
    });
  }
}
