/**
 * The membership core: sends heartbeats, admits received ones, tracks every path and
 * derives each peer's state. Pure logic in the style of hashicorp/memberlist: no sockets,
 * no timers and no clock of its own; it is given a Transport and a Clock (see transport.ts,
 * time/clock.ts). The same code runs on UDP in the heartbeat worker and on a simulated network
 * with a virtual clock in the tests.
 *
 * Timing. The core keeps exactly one timer, set for the earliest of: the next heartbeat
 * round, and the next instant any peer's evidence changes with no further input (a path
 * turning stale or down, a BMC reading expiring). A path is therefore declared down at
 * exactly `lastHeard + timeoutMs`, not at the next round after it: with interval I and
 * timeout T, a peer cut at time C is down at L + T where L < C is the last arrival, so
 * within T of the cut (and within T + I in any case). Receiving a packet only moves
 * deadlines later, so it never needs to re-arm the timer; at worst the timer wakes once
 * for nothing and re-arms.
 *
 * Sequence numbers count heartbeat rounds, not packets: every packet of one round carries
 * the same sequence (see replay.ts for why the receiver's window is per path).
 */
import { admit, type AdmissionContext } from './admission';
import { Announcements, type AnnouncementState } from './confirmation';
import type { Clock, Timer } from '../time/clock';
import { encodeHeartbeat, heartbeatKey, type Heartbeat } from './codec';
import { checkSummary, fromBitmap, makeLayout, restrictToLayout, toBitmap, type Layout } from './layout';
import { PathTracker } from './path';
import { Peer } from './peer';
import { timingFor, type Timing, type TimingOverrides } from './timing';
import { resolveTopology, type Topology } from './topology';
import type { Transport, TransportSink } from './transport';
import {
  isLanSilent,
  zeroCounters,
  type BmcReport,
  type DesiredSummary,
  type LocalSummary,
  type MembershipEvent,
  type MembershipSnapshot,
  type PacketCounters,
  type PeerSummary,
  type RejectReason,
  type Rejection,
  type RttSample,
  type SendError,
} from './types';
import type { ClusterConfig } from '../config/model';

export interface MembershipOptions {
  config: ClusterConfig;
  /** This server's name in `config.servers`. */
  self: string;
  /** The cluster secret (the value, already read from its file or variable). */
  secret: string;
  /** This agent's incarnation, unique and increasing across its restarts (incarnation.ts). */
  incarnation: bigint;
  transport: Transport;
  clock: Clock;
  timing?: TimingOverrides;
  summary?: LocalSummary;
  /** The announcement id of `summary` (default 1). */
  summaryId?: number;
}

const MAX_SEQ = 0xffffffff;

/** The held groups' claim epochs by name (0 for every group of a version-1 packet). */
function epochsOf(hb: Heartbeat, groups: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  hb.groups.members.forEach((i, k) => {
    out[groups[i]] = hb.epochs[k] ?? 0;
  });
  return out;
}

/** The desired state by group names; null from a packet before version 3 (it carries none). */
function desiredOf(hb: Heartbeat, groups: string[]): DesiredSummary | null {
  if (!hb.desired) {
    return null;
  }
  const stopped = fromBitmap(hb.desired.stopped, groups);
  const started = fromBitmap(hb.desired.started, groups);
  return stopped && started ? { revision: hb.desired.revision, stopped, started } : null;
}

const MAX_INCARNATION = (1n << 64n) - 1n;

export class Membership implements TransportSink {
  readonly topology: Topology;
  private currentTiming: Timing;
  private currentLayout: Layout;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly admission: AdmissionContext;
  private readonly peers = new Map<string, Peer>();
  /** The heartbeat version each peer was last heard with (absent: the newest). */
  private readonly peerVersions = new Map<string, number>();
  private incarnation: bigint;
  private seq = 0;
  private summary: LocalSummary = { revision: 0, hash: '', groups: [] };
  private muted = false;
  private running = false;
  private startedAt = 0;
  private nextSendAt = 0;
  private timer: Timer | null = null;
  private timerAt = Infinity;
  private readonly counters = zeroCounters();
  private readonly rejections = new Map<RejectReason, Rejection>();
  private lastSendError: SendError | null = null;
  private readonly listeners = new Set<(e: MembershipEvent) => void>();
  private readonly rttListeners = new Set<(s: RttSample) => void>();
  /** Which peers have received what we announce now (confirmation.ts). */
  private readonly announcements = new Announcements();
  /** A peer's groups or claims changed: answer at once, so its announcement is confirmed in a round trip. */
  private answerNow = false;

  constructor(options: MembershipOptions) {
    this.topology = resolveTopology(options.config, options.self);
    this.currentTiming = timingFor(options.config, options.timing);
    this.currentLayout = makeLayout(this.topology.servers, this.topology.groups);
    if (options.incarnation < 0n || options.incarnation > MAX_INCARNATION) {
      throw new RangeError('incarnation must be an unsigned 64-bit integer');
    }
    this.incarnation = options.incarnation;
    this.transport = options.transport;
    this.clock = options.clock;
    for (const info of this.topology.peers) {
      this.peers.set(info.name, new Peer(info, 0));
    }
    for (const ic of this.topology.lan) {
      for (const [name, address] of ic.peers) {
        this.peers.get(name)?.paths.set(ic.index, new PathTracker(ic.index, address));
      }
    }
    this.admission = {
      cluster: this.topology.cluster,
      self: this.topology.self,
      key: heartbeatKey(options.secret),
      peers: this.peers,
      intervalMs: this.timing.intervalMs,
      timeoutMs: this.timing.timeoutMs,
    };
    if (options.summary) {
      this.updateSummary(options.summary, options.summaryId);
    }
    this.transport.attach(this);
  }

  get timing(): Timing {
    return this.currentTiming;
  }

  get layout(): Layout {
    return this.currentLayout;
  }

  /**
   * A new revision's group list: held groups travel as a bitmap over it, and peers read our
   * summaries only once their layout is the same (until then they count our groups as unknown,
   * which blocks starting them: layout.ts). Held groups the new list lacks are no longer
   * announced; no peer with the same layout can start them, as it has no such group either.
   */
  relayout(groups: string[]): void {
    this.currentLayout = makeLayout(this.topology.servers, groups);
    this.summary = restrictToLayout(this.summary, this.currentLayout);
    // What peers said was read over the old list: unreadable until their next heartbeat is
    // read over the new one (simulation seed 7219: a peer's stale "holds nothing", read
    // before the revision, let a group it still stopped start elsewhere).
    for (const peer of this.peers.values()) {
      if (peer.summary) {
        peer.summary = {
          ...peer.summary,
          layoutMatches: false,
          groups: null,
          epochs: null,
          hears: null,
          desired: null,
        };
      }
    }
  }

  /**
   * A new revision changed the heartbeat timing: send on the new interval from now on and
   * judge every peer by the new timeout at once (a shorter timeout may find a peer down now).
   */
  retime(timing: Timing): void {
    this.currentTiming = timing;
    this.admission.intervalMs = timing.intervalMs;
    this.admission.timeoutMs = timing.timeoutMs;
    if (!this.running) {
      return;
    }
    const now = this.clock.now();
    this.nextSendAt = Math.min(this.nextSendAt, now + timing.intervalMs);
    for (const peer of this.peers.values()) {
      this.evaluate(peer, now);
    }
    this.schedule(now);
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: (e: MembershipEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to round-trip time samples (one per echoed heartbeat per path). */
  onRtt(listener: (s: RttSample) => void): () => void {
    this.rttListeners.add(listener);
    return () => this.rttListeners.delete(listener);
  }

  /** Starts sending (the first round at once) and judging; every peer starts `suspect`. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.startedAt = this.clock.now();
    for (const peer of this.peers.values()) {
      peer.since = this.startedAt;
    }
    this.nextSendAt = this.startedAt;
    this.wake();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** Throws on a summary that cannot be advertised (see checkSummary). */
  updateSummary(summary: LocalSummary, id = this.announcements.id + 1): void {
    const problem = checkSummary(summary, this.layout);
    if (problem !== null) {
      throw new TypeError(`invalid heartbeat summary: ${problem}`);
    }
    const epochs = { ...(summary.epochs ?? {}) };
    const groupsChanged =
      String(summary.groups) !== String(this.summary.groups) ||
      summary.groups.some((g) => (epochs[g] ?? 0) !== (this.summary.epochs?.[g] ?? 0));
    const desired = summary.desired && {
      revision: summary.desired.revision,
      stopped: [...summary.desired.stopped],
      started: [...summary.desired.started],
    };
    // An operator's decision travels at once too: a decider may change right after it.
    const desiredChanged = (desired?.revision ?? 0) !== (this.summary.desired?.revision ?? 0);
    this.summary = { revision: summary.revision, hash: summary.hash, groups: [...summary.groups], epochs, desired };
    this.announcements.announce(id, groupsChanged, this.seq + 1, this.heardNow());
    // Peers learn at once that a group was released or taken (a move's next step waits for
    // it); the regular cadence carries on unchanged. A new revision waits for the next round:
    // the two-phase apply tells the peers itself, and announcing it at once only sends them
    // fetching it through convergence while the commit is on its way.
    if ((groupsChanged || desiredChanged) && this.running) {
      this.sendRound(this.clock.now());
    }
    this.checkConfirmed();
  }

  /**
   * Feeds one BMC reading of a peer (from the BMC checker). Readings for servers without a
   * `bmc` section are kept but never count: such a server's LAN silence stays `unknown`.
   */
  reportBmc(server: string, report: BmcReport): void {
    const peer = this.peers.get(server);
    if (peer === undefined) {
      throw new Error(`reportBmc: "${server}" is not a peer of "${this.topology.self}"`);
    }
    if (!['on', 'off', 'unknown'].includes(report.power) || !Number.isFinite(report.at)) {
      throw new TypeError('reportBmc: power must be on, off or unknown and at a finite time');
    }
    peer.bmc = { reachable: report.reachable === true, power: report.power, at: report.at };
    if (this.running) {
      const now = this.clock.now();
      this.evaluate(peer, now);
      this.schedule(now);
    }
  }

  /**
   * Stops (or resumes) sending while still receiving. The heartbeat worker mutes the agent
   * when its main thread has not been heard from for too long: peers must then see this
   * server as failed, because an agent whose main loop is stuck cannot run failovers.
   */
  setMuted(muted: boolean, reason: string): void {
    if (muted !== this.muted) {
      this.muted = muted;
      this.emit({ type: 'muted', muted, reason, at: this.clock.now() });
    }
  }

  /** Which peers have received what this server announces now (confirmation.ts). */
  announcement(): AnnouncementState {
    return this.announcements.state();
  }

  packetCounters(): PacketCounters {
    return { ...this.counters };
  }

  snapshot(): MembershipSnapshot {
    const now = this.clock.now();
    return {
      self: this.topology.self,
      incarnation: this.incarnation.toString(),
      at: now,
      startedAt: this.startedAt,
      muted: this.muted,
      sequence: this.seq,
      peers: [...this.peers.values()].map((p) => p.snapshot(now, this.startedAt, this.timing)),
      counters: this.packetCounters(),
      lastRejections: [...this.rejections.values()],
      lastSendError: this.lastSendError,
      announcement: this.announcement(),
    };
  }

  receive(interconnect: number, packet: Uint8Array, fromAddress: string): void {
    if (!this.running) {
      return;
    }
    const now = this.clock.now();
    const a = admit(this.admission, now, interconnect, packet, fromAddress);
    if (!a.ok) {
      this.counters[a.reason]++;
      this.rejections.set(a.reason, { reason: a.reason, detail: a.detail, interconnect, fromAddress, at: now });
      return;
    }
    this.counters.accepted++;
    const { heartbeat: hb, peer, path } = a;
    if (peer.incarnation === null || hb.incarnation > peer.incarnation) {
      for (const p of peer.paths.values()) {
        p.newIncarnation();
      }
      peer.incarnation = hb.incarnation;
      peer.newest = null;
      path.window.admit(hb.seq);
      if (a.restartedFrom !== null) {
        this.emit({
          type: 'restart',
          server: peer.name,
          previousIncarnation: a.restartedFrom.toString(),
          incarnation: hb.incarnation.toString(),
          at: now,
        });
      }
    }
    // Datagrams overtake each other (two interconnects, a round sent at once on a change):
    // only the newest round speaks for the peer's groups. A late older one must not undo,
    // for a moment, a group the peer has announced since (a leftover it is still stopping).
    const newest = peer.newest === null || hb.seq > peer.newest.seq;
    if (newest) {
      peer.newest = { seq: hb.seq, at: now };
    }
    path.heard(now, hb.seq, hb.sentAt);
    this.announcements.echoed(peer.name, hb.echo);
    const rtt = path.rttFromEcho(now, hb.echo, this.seq, this.timing.timeoutMs);
    if (rtt !== null) {
      for (const l of this.rttListeners) {
        l({ server: peer.name, interconnect, ms: rtt });
      }
    }
    if (newest) {
      this.updatePeerSummary(peer, hb, now);
    }
    this.evaluate(peer, now);
    if (this.answerNow) {
      this.answerNow = false;
      this.sendRound(now);
    }
    this.checkConfirmed();
  }

  sendFailed(interconnect: number, peer: string, error: string): void {
    this.counters.send_failed++;
    this.lastSendError = { interconnect, peer, error, at: this.clock.now() };
  }

  /**
   * The peers a new announcement waits for: heard now, and hearing us as far as we know. One
   * whose heartbeats say it does not hear us cannot confirm anything; the partition guard
   * judges it (silent, or alive beyond a broken link) as it judges a silent one.
   */
  private heardNow(): string[] {
    const self = this.topology.self;
    return [...this.peers.values()]
      .filter((p) => p.lastHeardAt() !== null && !isLanSilent(p.state))
      .filter((p) => !p.summary?.hears || p.summary.hears.includes(self))
      .map((p) => p.name);
  }

  /** Tells listeners when the newest announcement is confirmed or older ones abandoned. */
  private checkConfirmed(): void {
    if (this.announcements.check()) {
      this.emit({ type: 'announcement', state: this.announcements.state(), at: this.clock.now() });
    }
  }

  private emit(e: MembershipEvent): void {
    for (const l of this.listeners) {
      l(e);
    }
  }

  private wake(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (!this.running) {
      return;
    }
    const now = this.clock.now();
    for (const peer of this.peers.values()) {
      this.evaluate(peer, now);
    }
    if (now >= this.nextSendAt) {
      this.sendRound(now);
      // Keep the cadence after a late wake-up, but never send a burst to catch up.
      this.nextSendAt += this.timing.intervalMs;
      if (this.nextSendAt <= now) {
        this.nextSendAt = now + this.timing.intervalMs;
      }
    }
    this.schedule(now);
  }

  private schedule(now: number): void {
    let next = this.nextSendAt;
    for (const peer of this.peers.values()) {
      const d = peer.nextDeadline(now, this.startedAt, this.timing);
      if (d !== null && d < next) {
        next = d;
      }
    }
    if (this.timer !== null && this.timerAt === next) {
      return;
    }
    this.timer?.cancel();
    this.timerAt = next;
    this.timer = this.clock.setTimer(Math.max(0, next - now), () => this.wake());
  }

  /** Re-derives a peer's state; emits path events, then the transition they led to. */
  private evaluate(peer: Peer, now: number): void {
    const { state, evidence } = peer.classify(now, this.startedAt, this.timing);
    for (const p of evidence.paths) {
      const tracker = peer.paths.get(p.interconnect)!;
      if (tracker.reported !== p.state) {
        const from = tracker.reported;
        tracker.reported = p.state;
        this.emit({
          type: 'path',
          server: peer.name,
          interconnect: p.interconnect,
          from,
          to: p.state,
          at: now,
          lastHeardAt: p.lastHeardAt,
        });
      }
    }
    if (state !== peer.state) {
      const from = peer.state;
      peer.state = state;
      peer.since = now;
      this.emit({ type: 'transition', server: peer.name, from, to: state, at: now, evidence });
    }
  }

  private updatePeerSummary(peer: Peer, hb: Heartbeat, now: number): void {
    const layoutMatches = hb.layout === this.layout.digest;
    const next: PeerSummary = {
      revision: hb.revision,
      hash: hb.hash,
      layoutMatches,
      groups: layoutMatches ? fromBitmap(hb.groups, this.layout.groups) : null,
      epochs: layoutMatches ? epochsOf(hb, this.layout.groups) : null,
      desired: layoutMatches ? desiredOf(hb, this.layout.groups) : null,
      hears: layoutMatches ? fromBitmap(hb.hears, this.layout.servers) : null,
      version: hb.version ?? 1,
    };
    // Answer in the version the peer speaks: an agent not yet upgraded reads only version 1.
    this.peerVersions.set(peer.name, next.version);
    const prev = peer.summary;
    peer.summary = next;
    const heldChanged =
      prev !== null &&
      (String(prev.groups) !== String(next.groups) || JSON.stringify(prev.epochs) !== JSON.stringify(next.epochs));
    this.answerNow ||= heldChanged;
    if (
      prev === null ||
      heldChanged ||
      prev.revision !== next.revision ||
      prev.hash !== next.hash ||
      prev.layoutMatches !== next.layoutMatches ||
      JSON.stringify(prev.desired) !== JSON.stringify(next.desired) ||
      String(prev.hears) !== String(next.hears)
    ) {
      this.emit({ type: 'summary', server: peer.name, summary: next, at: now });
    }
  }

  /** Peers heard on some path within the timeout: what we tell others we hear. */
  private heardPeers(now: number): string[] {
    const heard = [this.topology.self];
    for (const peer of this.peers.values()) {
      const last = peer.lastHeardAt();
      if (last !== null && now - last < this.timing.timeoutMs) {
        heard.push(peer.name);
      }
    }
    return heard;
  }

  private sendRound(now: number): void {
    if (this.muted) {
      return;
    }
    if (this.seq === MAX_SEQ) {
      // Some 6.8 years of 50 ms rounds. A fresh incarnation keeps every receiver's replay
      // check sound without ever reusing a (incarnation, sequence) pair.
      this.incarnation = this.incarnation === MAX_INCARNATION ? this.incarnation : this.incarnation + 1n;
      this.seq = 0;
      this.announcements.restarted();
      for (const peer of this.peers.values()) {
        for (const p of peer.paths.values()) {
          p.resetSampling();
        }
      }
    }
    this.seq++;
    this.announcements.sent(this.seq, now);
    const hears = toBitmap(this.heardPeers(now), this.layout.serverIndex);
    const groups = toBitmap(this.summary.groups, this.layout.groupIndex);
    const epochs = groups.members.map((i) => this.summary.epochs?.[this.layout.groups[i]] ?? 0);
    const wanted = this.summary.desired;
    const desired = {
      revision: wanted?.revision ?? 0,
      stopped: toBitmap(wanted?.stopped ?? [], this.layout.groupIndex),
      started: toBitmap(wanted?.started ?? [], this.layout.groupIndex),
    };
    for (const ic of this.topology.lan) {
      for (const name of ic.peers.keys()) {
        const path = this.peers.get(name)!.paths.get(ic.index)!;
        const packet = encodeHeartbeat(
          {
            cluster: this.topology.cluster,
            from: this.topology.self,
            to: name,
            interconnect: ic.index,
            incarnation: this.incarnation,
            seq: this.seq,
            sentAt: now,
            echo: path.echo(now),
            revision: this.summary.revision,
            hash: this.summary.hash,
            layout: this.layout.digest,
            hears,
            groups,
            epochs,
            desired,
            version: this.peerVersions.get(name),
          },
          this.admission.key
        );
        this.counters.sent++;
        this.transport.send(ic.index, name, packet);
      }
    }
  }
}
