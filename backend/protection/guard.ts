/**
 * Split-brain protection: when peers fall silent, this server works out which side of the
 * cut it is on (partition.ts, with the ping and witness probes) and acts on the verdict:
 *
 *   lose        stop the groups held here and start none until every peer is heard again
 *               (`partition.action` stop-service; shutdown / reboot then stop the machine;
 *               none leaves them, except in watchdog mode, where peers count on the stop);
 *   win         make the silent peers safe to take over, the settle mode's way
 *               (silence.ts): fence them, or wait for their watchdog deadline, or (mode
 *               none) leave their groups `unreachable` until an operator confirms them down;
 *   fence-race  a tie with fencing: wait this server's delay, then fence if still silent.
 *
 * Who counts as silent is judged so that both sides of a cut reach the same view:
 * - a peer silent to this server is not silent while another peer heard here still hears
 *   it (the link to it is broken, the server is fine: nobody fences it);
 * - a peer that is heard here but has not heard this server for a heartbeat timeout
 *   ("deaf") counts as silent unless it hears someone who hears this server, because it
 *   will judge this server silent: one-way loss gives both sides a verdict, not just one.
 *
 * The core decides; its host does the I/O (probes, fencing, stopping groups, records), so
 * the same code runs in the agent and in the whole-cluster simulation (backend/sim/).
 */
import type { ClusterConfig } from '../config/model';
import type { ServerState } from '../membership';
import type { Clock } from '../time/clock';
import { fenceDelayMs, resolvePartition, type PartitionDecision, type PartitionInput } from './partition';
import { settleMode, takeoverDelayMs, type SettleMode } from './silence';

export interface GuardPeer {
  server: string;
  state: ServerState;
  incarnation: string | null;
  /** Whom the peer says it hears; null when unknown. */
  hears: string[] | null;
  /** When the peer was last heard (the clock's monotonic ms); null: never. */
  lastHeardAt: number | null;
}

export type RecordClass = 'fatal' | 'recoverable' | 'informational';

export interface GuardHost {
  peers(): GuardPeer[];
  probe(): Promise<{ pingReached: boolean | null; witnessReached: boolean | null; detail: string }>;
  fence(peer: string): Promise<{ ok: boolean; detail: string }>;
  /** Stops every group held here (the losing side); resolves when done. */
  stopHeld(): Promise<void>;
  powerDown(action: 'shutdown' | 'reboot'): void;
  record(cls: RecordClass, summary: string, fields?: Record<string, unknown>): void;
}

type MarkWhy = 'fenced' | 'left' | 'confirmed' | 'deadline';

interface Mark {
  /** The peer's incarnation when marked: heard again with another one, the mark ends. */
  incarnation: string | null;
  why: MarkWhy;
  /** From when the mark lets the peer's groups start elsewhere (deadline marks). */
  from: number;
}

const SILENT: ReadonlySet<ServerState> = new Set(['hung-or-partitioned', 'unknown']);

export function isSilentState(state: ServerState): boolean {
  return SILENT.has(state);
}

export class PartitionGuard {
  private readonly marks = new Map<string, Mark>();
  private readonly deafSince = new Map<string, number>();
  private evaluatedFor = '';
  private busy = false;
  private unsettled = false;
  private lost: string | null = null;
  /** The peers silent when this server lost (whatever partition.action does). */
  private lostTo = new Set<string>();
  private lostAt: number | null = null;
  private readonly startedAt: number;
  /** Startup fencing calls in flight. */
  private readonly fencing = new Set<string>();
  /** Since when each never-heard peer has been unheard by every peer heard here too. */
  private readonly absentSince = new Map<string, number>();
  private readonly delayFloor = new Map<string, number>();

  constructor(
    /** The configuration now running: read at each use, since a new revision applies live. */
    private readonly configNow: () => ClusterConfig,
    private readonly self: string,
    private readonly clock: Clock,
    private readonly host: GuardHost
  ) {
    this.startedAt = clock.now();
    this.keepDelays();
  }

  private get config(): ClusterConfig {
    return this.configNow();
  }

  /**
   * How long after a silent peer was last heard its groups may start elsewhere (watchdog and
   * no-fencing modes): never less than under any revision run since this agent started. A
   * peer keeps running a group with the definition it was started with (a new revision's
   * stop timeouts apply at the group's next start), and a peer cut off during an apply may
   * still run the old timing: a revision that lowers the delay shortens it only after a restart.
   */
  /** Called before a new revision takes over: the delays it may lower stay as floors. */
  keepDelays(): void {
    for (const s of this.config.servers) {
      if (s.name !== this.self) {
        this.takeoverDelay(s.name);
      }
    }
  }

  private takeoverDelay(peer: string): number {
    const delay = Math.max(this.delayFloor.get(peer) ?? 0, takeoverDelayMs(this.config, peer));
    this.delayFloor.set(peer, delay);
    return delay;
  }

  /** How a silent peer's groups may be freed: by fencing, after its watchdog deadline, or not at all. */
  get mode(): SettleMode {
    return settleMode(this.config);
  }

  /**
   * Peers whose groups may start elsewhere although membership cannot show them down:
   * fenced, confirmed down by an operator, or past their watchdog deadline. Not peers that
   * left: they released their groups before leaving (no takeover; the decider starts those
   * that should run, as any group that runs nowhere: controller.ts startWanted).
   */
  down(): string[] {
    const now = this.clock.now();
    return [...this.marks].filter(([, m]) => m.why !== 'left' && now >= m.from).map(([server]) => server);
  }

  /** Peers that left cleanly (not silent, not judged). */
  departed(): string[] {
    return [...this.marks].filter(([, m]) => m.why === 'left').map(([s]) => s);
  }

  /**
   * Peers never heard since this agent started (and not marked, not powered off): they
   * may run groups this agent cannot see. After two heartbeat timeouts they are settled
   * like silent peers: fenced (startup fencing), or given a watchdog deadline counted from
   * this agent's start; without either they stay absent until heard or confirmed down.
   */
  absent(peers = this.host.peers()): string[] {
    // A deadline not yet reached still leaves the peer possibly active: only down() settles it.
    const down = this.down();
    return peers
      .filter((p) => p.lastHeardAt === null && isSilentState(p.state) && !down.includes(p.server))
      .map((p) => p.server);
  }

  /** A verdict is pending or being carried out: nothing should start until it is known. */
  deciding(): boolean {
    return this.busy || this.unsettled;
  }

  /** Why this server may not start groups (it lost a partition), or null. */
  blocked(): string | null {
    return this.lost;
  }

  /** When this server lost (monotonic ms), while it is on the losing side. */
  lostSince(): number | null {
    return this.lostAt;
  }

  left(server: string, incarnation: string | null): void {
    if (this.isPeer(server)) {
      this.marks.set(server, { incarnation, why: 'left', from: this.clock.now() });
    }
  }

  /**
   * An operator affirms that a silent server runs nothing (they powered it off, or saw it
   * dead): its groups may start elsewhere. Refused for a server heard now.
   */
  confirmDown(server: string): string | null {
    if (!this.isPeer(server)) {
      return `${server} is not a peer of ${this.self}`;
    }
    const p = this.host.peers().find((x) => x.server === server);
    if (p && !isSilentState(p.state) && p.state !== 'offline-confirmed') {
      return `${server} is ${p.state}: only a server that is not heard can be confirmed down`;
    }
    this.marks.set(server, { incarnation: p?.incarnation ?? null, why: 'confirmed', from: this.clock.now() });
    this.host.record('fatal', `${server} confirmed down by an operator: its groups may start elsewhere`);
    return null;
  }

  /** The silent peers as the verdict counts them (see the header). */
  silentPeers(peers = this.host.peers()): string[] {
    const now = this.clock.now();
    const timeout = this.config.cluster.heartbeat.timeoutMs;
    const heard = peers.filter((p) => p.state === 'online' || p.state === 'suspect');
    for (const p of peers) {
      const deaf = heard.includes(p) && p.hears !== null && !p.hears.includes(this.self);
      if (!deaf) {
        this.deafSince.delete(p.server);
      } else if (!this.deafSince.has(p.server)) {
        this.deafSince.set(p.server, now);
      }
    }
    const hearsMe = new Set(heard.filter((p) => p.hears?.includes(this.self)).map((p) => p.server));
    return peers
      .filter((p) => {
        if (this.marks.has(p.server)) {
          return false;
        }
        if (isSilentState(p.state)) {
          // Never heard since this agent started: absent (as at cluster start), not lost;
          // heard by another peer: alive beyond a broken link.
          return p.lastHeardAt !== null && !heard.some((q) => q.hears?.includes(p.server));
        }
        const since = this.deafSince.get(p.server);
        return since !== undefined && now - since >= timeout && !p.hears!.some((s) => hearsMe.has(s));
      })
      .map((p) => p.server);
  }

  /**
   * Whether this server's side may decide at all, by the partition rules without probes:
   * a majority of the configured servers (those that left or are down excepted), or exactly
   * half with the master. Servers never heard count as absent, so a cluster starts without them
   * when enough of it is up, and a lone server of three does not.
   */
  quorate(peers = this.host.peers()): boolean {
    return (
      resolvePartition(this.sides(peers, [], { pingReached: null, witnessReached: null }, false)).verdict !== 'lose'
    );
  }

  /**
   * The partition question as both sides must ask it. Servers that left, or are known to
   * run nothing (fenced, confirmed, past their deadline, powered off), are out of the count;
   * only peers heard now are on this side. Counting a powered-off server on one's own side
   * would give both halves of a cut a majority.
   */
  private sides(
    peers: GuardPeer[],
    silent: string[],
    probe: { pingReached: boolean | null; witnessReached: boolean | null },
    fencing: boolean
  ): PartitionInput {
    const out = new Set([
      ...this.departed(),
      ...this.down(),
      ...peers.filter((p) => p.state === 'offline-confirmed').map((p) => p.server),
    ]);
    return {
      servers: this.config.servers.map((s) => s.name).filter((s) => !out.has(s)),
      self: this.self,
      online: peers
        .filter((p) => (p.state === 'online' || p.state === 'suspect') && !silent.includes(p.server))
        .map((p) => p.server),
      majority: this.config.partition.majority,
      pingReached: probe.pingReached,
      witnessReached: probe.witnessReached,
      fencing,
    };
  }

  /** Called once per heartbeat interval. */
  tick(): void {
    const peers = this.host.peers();
    for (const p of peers) {
      const m = this.marks.get(p.server);
      // Heard again: a deadline or an operator's word is overtaken by the peer itself; a
      // fenced or departed peer ends its mark when it comes back as a new run.
      const over = m?.why === 'deadline' || m?.why === 'confirmed' || p.incarnation !== m?.incarnation;
      if (m && p.state === 'online' && over) {
        this.marks.delete(p.server);
      }
    }
    this.settleAbsent(peers);
    const silent = this.silentPeers(peers);
    this.unsettled = false;
    if (
      silent.length === 0 &&
      this.lostTo.size > 0 &&
      peers.every((p) => p.state === 'online' || this.marks.has(p.server))
    ) {
      this.host.record('informational', 'partition healed: every peer is heard again');
      this.lost = null;
      this.lostAt = null;
      this.lostTo = new Set();
    }
    const key = silent.join(',');
    if (key === this.evaluatedFor || this.busy) {
      return;
    }
    if (this.lostTo.size > 0 && silent.length > 0 && silent.every((s) => this.lostTo.has(s))) {
      // The other side comes back a peer at a time: judged on this passing view, the
      // losing side would become a winner. The loss ends when every peer is heard again.
      return;
    }
    if (silent.length > 0 && peers.some((p) => p.state === 'suspect')) {
      // Peers beyond a cut fall silent a heartbeat apart; one still suspect would be
      // counted on this side and give it a majority it does not have.
      this.unsettled = true;
      return;
    }
    this.evaluatedFor = key;
    if (silent.length > 0) {
      this.busy = true;
      void this.resolve(silent, peers).finally(() => {
        this.busy = false;
      });
    }
  }

  private settleAbsent(peers: GuardPeer[]): void {
    const now = this.clock.now();
    if (this.mode === 'none' || now - this.startedAt < 2 * this.config.cluster.heartbeat.timeoutMs) {
      return;
    }
    // A peer that another peer heard now hears is alive and in touch with the cluster: it
    // may hold groups legitimately, so it is waited for, never settled.
    const heard = peers.filter((p) => p.state === 'online' || p.state === 'suspect');
    const absent = this.absent(peers).filter((a) => !heard.some((q) => q.hears?.includes(a)));
    for (const a of [...this.absentSince.keys()].filter((a) => !absent.includes(a))) {
      this.absentSince.delete(a);
    }
    // Only a side that would win without them may settle them: a lone server that came up
    // cut off from the majority must not fence it, nor count on its watchdog.
    const verdict = resolvePartition(
      this.sides(peers, absent, { pingReached: null, witnessReached: null }, this.mode === 'fencing')
    ).verdict;
    if (absent.length === 0 || verdict === 'lose') {
      return;
    }
    for (const peer of absent.filter((a) => !this.marks.has(a))) {
      if (!this.absentSince.has(peer)) {
        this.absentSince.set(peer, now);
      }
      if (this.mode === 'watchdog') {
        // Cut off from every server heard here since at least now: as a loser it stops its
        // groups, or its host is reset, within the delay.
        const from = this.absentSince.get(peer)! + this.takeoverDelay(peer);
        this.marks.set(peer, { incarnation: null, why: 'deadline', from });
        this.host.record(
          'recoverable',
          `${peer} was never heard since this agent started: its groups may start once its watchdog deadline has passed`
        );
      } else if (!this.fencing.has(peer)) {
        this.fencing.add(peer);
        void this.host
          .fence(peer)
          .then((r) => {
            if (r.ok) {
              this.marks.set(peer, { incarnation: null, why: 'fenced', from: this.clock.now() });
              this.host.record(
                'fatal',
                `${peer} fenced at startup (never heard since this agent started; ${this.fenceName()}, confirmed by its BMC)`
              );
            } else {
              this.host.record('fatal', `startup fencing of ${peer} failed: its groups stay stopped; ${r.detail}`);
            }
          })
          .finally(() => this.fencing.delete(peer));
      }
    }
  }

  private async resolve(silent: string[], peers: GuardPeer[]): Promise<void> {
    const probe = await this.host.probe();
    const decision = resolvePartition(this.sides(peers, silent, probe, this.mode === 'fencing'));
    const reason = `${silent.join(', ')} silent: ${decision.reason}${probe.detail ? ` (${probe.detail})` : ''}`;
    this.host.record(
      decision.verdict === 'lose' ? 'fatal' : 'recoverable',
      `partition resolution: ${decision.verdict}; ${reason}`,
      {
        silent,
        verdict: decision.verdict,
      }
    );
    if (decision.verdict === 'lose') {
      await this.lose(reason, silent);
      return;
    }
    await Promise.all(silent.map((peer) => this.takeOut(peer, decision, peers)));
  }

  private async lose(reason: string, silent: string[]) {
    const action = this.config.partition.action;
    // Remembered even when the action is none: a losing side must never judge again (and
    // fence the winners) while the other side comes back a peer at a time.
    this.lostTo = new Set(silent);
    if (action === 'none' && this.mode !== 'watchdog') {
      return;
    }
    // In watchdog mode the winners start these groups at a deadline that assumes the loser
    // stopped them: `none` would run them twice, so the loser always stops.
    this.lost = `this server lost the partition resolution (${reason})`;
    // The winners count their deadline from when they last heard us, about when we last
    // heard them: the stop budget runs from then, not from this verdict a timeout later.
    const heard = this.host
      .peers()
      .filter((p) => silent.includes(p.server) && p.lastHeardAt !== null)
      .map((p) => p.lastHeardAt!);
    this.lostAt = heard.length > 0 ? Math.min(...heard) : this.clock.now();
    await this.host.stopHeld();
    if (action === 'shutdown' || action === 'reboot') {
      this.host.record('fatal', `losing side: ${action} of this server`);
      this.host.powerDown(action);
    }
  }

  private async takeOut(peer: string, decision: PartitionDecision, peers: GuardPeer[]) {
    const seen = peers.find((p) => p.server === peer);
    const incarnation = seen?.incarnation ?? null;
    if (this.mode === 'none') {
      this.host.record(
        'fatal',
        `${peer} is silent and nothing can prove it stopped (no fencing, no watchdog): its groups stay where they are until it is heard again or an operator confirms it down (lifeline server confirm-down ${peer})`
      );
      return;
    }
    if (this.mode === 'watchdog') {
      const from = (seen?.lastHeardAt ?? this.clock.now()) + this.takeoverDelay(peer);
      this.marks.set(peer, { incarnation, why: 'deadline', from });
      this.host.record(
        'recoverable',
        `${peer} silent: its groups may start elsewhere once its watchdog deadline has passed`,
        {
          inMs: Math.max(0, Math.round(from - this.clock.now())),
        }
      );
      return;
    }
    if (decision.verdict === 'fence-race') {
      const position = this.config.servers.findIndex((s) => s.name === this.self);
      const { policy, baseMs } = this.config.fencing.delay;
      await new Promise<void>((r) => this.clock.setTimer(fenceDelayMs(policy, baseMs, position), r));
      if (!this.silentPeers().includes(peer)) {
        this.evaluatedFor = '';
        return; // heard again during the delay: no longer a verdict to carry out
      }
    }
    const result = await this.host.fence(peer);
    if (result.ok) {
      this.marks.set(peer, { incarnation, why: 'fenced', from: this.clock.now() });
      this.host.record(
        'fatal',
        `${peer} fenced (${this.fenceName()}, confirmed by its BMC): its groups may start elsewhere`
      );
    } else {
      this.host.record(
        'fatal',
        `fencing ${peer} (${this.fenceName()}) failed: its groups stay where they are; ${result.detail}`
      );
      // Again after a pause (the BMC may be rebooting): every round would flood the event log.
      const retryMs = Math.max(5 * this.config.cluster.heartbeat.intervalMs, 1000);
      this.clock.setTimer(retryMs, () => {
        this.evaluatedFor = '';
      });
    }
  }

  private fenceName(): string {
    return this.config.fencing.action.replace(/^bmc-/, '');
  }

  private isPeer(server: string): boolean {
    return server !== this.self && this.config.servers.some((s) => s.name === server);
  }
}
