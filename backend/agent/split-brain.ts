/**
 * Split-brain protection, wired: when peers fall silent (hung-or-partitioned or unknown),
 * this server resolves the partition (protection/partition.ts, with the ping and witness
 * probes), then acts on the verdict:
 *
 *   lose        the losing action: stop-service stops the groups held here and refuses to
 *               start any until every peer is heard again; shutdown / reboot stop the groups,
 *               then the machine (systemctl); none does nothing.
 *   win         fencing configured: every silent peer is fenced through its BMC (confirmed
 *               by the power state); without fencing the silent peers are presumed down.
 *   fence-race  a tie with fencing: wait the delay of this server's position, check the peer
 *               is still silent, then fence it. The master waits least and shoots first.
 *
 * A fenced or presumed-down peer counts as running nothing (placement.ts `down`), so its
 * groups are taken over. A peer that left cleanly (it stopped its groups and said so on its
 * way out) is neither silent nor counted: stopping one agent for maintenance must not look
 * like a partition. Marks end when the peer is heard again: a presumed-down peer as soon as
 * it is (it was cut off, not restarted: its incarnation is the same), a fenced or departed
 * peer with a new incarnation.
 */
import { fenceActionFromConfig } from '../bmc';
import type { ClusterConfig } from '../config/model';
import type { EventLog } from '../events/event-log';
import type { LocalGroups } from '../groups/local-groups';
import { isSilent } from '../groups/placement';
import type { Logger } from '../log';
import { fenceDelayMs, resolvePartition, type PartitionDecision } from '../protection/partition';
import { pingAny, reachWitness } from '../protection/probes';
import type { ClusterMembership } from './cluster-membership';
import { powerDownHost } from './host-power';

export interface SplitBrainOptions {
  config: ClusterConfig;
  self: string;
  log: Logger;
  events: EventLog;
  membership: ClusterMembership;
  local: LocalGroups;
}

interface Mark {
  /** The peer's incarnation when marked: heard again with another one, the mark ends. */
  incarnation: string | null;
  why: 'fenced' | 'presumed-down' | 'left';
}

export class SplitBrainGuard {
  private readonly marks = new Map<string, Mark>();
  private evaluatedFor = '';
  private busy = false;
  /** Silent peers wait for a verdict (the view is still changing). */
  private unsettled = false;
  /** Why this server may not start groups (it lost a partition), or null. */
  private lost: string | null = null;
  /** The peers that were silent when this server lost (whatever partition.action does). */
  private lostTo = new Set<string>();

  constructor(private readonly options: SplitBrainOptions) {}

  /**
   * Peers known to run nothing although membership cannot show it (fenced, presumed down),
   * for placement. Not peers that left: they released their groups before leaving, which
   * their heartbeats showed, and what an operator stopped must not be taken over.
   */
  down(): string[] {
    return [...this.marks].filter(([, m]) => m.why !== 'left').map(([server]) => server);
  }

  /**
   * A verdict is pending or being carried out (probes, fence delay, fencing): nothing should
   * start here until it is known which side this server is on.
   */
  deciding(): boolean {
    return this.busy || this.unsettled;
  }

  /** Why starting groups here is refused, or null. */
  blocked(): string | null {
    return this.lost;
  }

  /** A peer says it is leaving cleanly (its groups are stopped). */
  left(server: string, incarnation: string | null): void {
    if (server === this.options.self || !this.options.config.servers.some((s) => s.name === server)) {
      return;
    }
    this.marks.set(server, { incarnation, why: 'left' });
    this.options.log.info({ server }, 'peer left the cluster cleanly');
  }

  /** Called once per heartbeat interval with membership's view. */
  tick(): void {
    const peers = this.options.membership.snapshot()?.peers ?? [];
    for (const p of peers) {
      const m = this.marks.get(p.server);
      if (m && p.state === 'online' && (m.why === 'presumed-down' || p.incarnation !== m.incarnation)) {
        this.marks.delete(p.server);
        this.options.log.info({ server: p.server, was: m.why }, 'peer is back');
      }
    }
    const silent = peers.filter((p) => isSilent(p.state) && !this.marks.has(p.server)).map((p) => p.server);
    this.unsettled = false;
    const key = silent.join(',');
    if (
      silent.length === 0 &&
      this.lostTo.size > 0 &&
      peers.every((p) => p.state === 'online' || this.marks.has(p.server))
    ) {
      this.options.log.warn({ was: this.lost }, 'partition healed: groups may start here again');
      this.record('informational', `partition healed: every peer is heard again`);
      this.lost = null;
      this.lostTo = new Set();
    }
    if (key === this.evaluatedFor || this.busy) {
      return;
    }
    if (this.lostTo.size > 0 && silent.length > 0 && silent.every((s) => this.lostTo.has(s))) {
      // The other side is heard again a peer at a time: judged on this passing view, the rest
      // would make the losing side a winner (presuming down, or fencing, a peer of the side
      // that won). The loss ends when every peer is heard again.
      return;
    }
    if (silent.length > 0 && peers.some((p) => p.state === 'suspect')) {
      this.unsettled = true;
      // The view is still changing: the peers beyond a cut fall silent a heartbeat apart, and
      // one still suspect would be counted on this side, giving it a majority it does not have.
      return;
    }
    this.evaluatedFor = key;
    if (silent.length > 0) {
      this.busy = true;
      this.resolve(silent)
        .catch((e) => this.options.log.error({ err: (e as Error).message }, 'partition resolution failed'))
        .finally(() => {
          this.busy = false;
        });
    }
  }

  private async resolve(silent: string[]): Promise<void> {
    const { config, self, membership } = this.options;
    const p = config.partition;
    const [ping, witness] = await Promise.all([
      p.ping ? pingAny(p.ping) : null,
      p.witness ? reachWitness(p.witness) : null,
    ]);
    const peers = membership.snapshot()?.peers ?? [];
    const left = [...this.marks].filter(([, m]) => m.why === 'left').map(([s]) => s);
    const decision = resolvePartition({
      servers: config.servers.map((s) => s.name).filter((s) => !left.includes(s)),
      self,
      online: peers.filter((x) => x.state === 'online' || x.state === 'suspect').map((x) => x.server),
      majority: p.majority,
      pingReached: ping?.reached ?? null,
      witnessReached: witness?.reached ?? null,
      fencing: fenceActionFromConfig(config.fencing.action) !== undefined,
    });
    const probes = [ping?.detail, witness?.detail].filter(Boolean).join('; ');
    const reason = `${silent.join(', ')} silent: ${decision.reason}${probes ? ` (${probes})` : ''}`;
    this.options.log.warn({ silent, verdict: decision.verdict, reason }, 'partition resolution');
    this.record(
      decision.verdict === 'lose' ? 'fatal' : 'recoverable',
      `partition resolution: ${decision.verdict}; ${reason}`
    );
    if (decision.verdict === 'lose') {
      await this.lose(decision, reason, silent);
      return;
    }
    await Promise.all(silent.map((peer) => this.takeOut(peer, decision)));
  }

  private async lose(decision: PartitionDecision, reason: string, silent: string[]) {
    const action = this.options.config.partition.action;
    // Remembered even when the action is none: a losing side must never judge again (and
    // fence the winners) while the other side is heard back a peer at a time.
    this.lostTo = new Set(silent);
    if (action === 'none') {
      return;
    }
    this.lost = `this server lost the partition resolution (${reason})`;
    const stopped = await this.options.local.stopHeld('STOP');
    this.options.log.error(
      { action, groups: [...stopped.keys()], verdict: decision.verdict },
      'losing side: groups stopped'
    );
    if (action === 'shutdown' || action === 'reboot') {
      this.record('fatal', `losing side: ${action} of this server`);
      powerDownHost(action);
    }
  }

  /** Fences a silent peer (or, without fencing, presumes it down). */
  private async takeOut(peer: string, decision: PartitionDecision) {
    const { config, membership, log } = this.options;
    const action = fenceActionFromConfig(config.fencing.action);
    const incarnation = membership.snapshot()?.peers.find((p) => p.server === peer)?.incarnation ?? null;
    if (action === undefined) {
      this.marks.set(peer, { incarnation, why: 'presumed-down' });
      this.record('recoverable', `${peer} presumed down (no fencing configured): its groups may start elsewhere`);
      return;
    }
    if (decision.verdict === 'fence-race') {
      const position = config.servers.findIndex((s) => s.name === this.options.self);
      const { policy, baseMs } = config.fencing.delay;
      await new Promise((r) => setTimeout(r, fenceDelayMs(policy, baseMs, position)));
    }
    const now = membership.snapshot()?.peers.find((p) => p.server === peer);
    if (!now || !isSilent(now.state)) {
      log.info({ peer, state: now?.state }, 'not fencing: the peer is no longer silent');
      this.evaluatedFor = '';
      return;
    }
    log.warn({ peer, action }, 'fencing');
    const result = await membership.fence(peer, action, {
      timeoutMs: config.fencing.timeoutMs,
      retries: config.fencing.retries,
    });
    if (result.ok) {
      this.marks.set(peer, { incarnation, why: 'fenced' });
      this.record('fatal', `${peer} fenced (${action}, confirmed by its BMC): its groups may start elsewhere`, {
        attempts: result.attempts.length,
      });
    } else {
      this.record('fatal', `fencing ${peer} (${action}) failed: its groups stay where they are`, {
        attempts: result.attempts.map((a) => a.reason ?? 'confirmed'),
      });
      this.evaluatedFor = ''; // try again next round
    }
  }

  private record(cls: 'fatal' | 'recoverable' | 'informational', summary: string, fields?: Record<string, unknown>) {
    this.options.events.append({
      time: Date.now(),
      server: this.options.self,
      type: 'partition',
      class: cls,
      summary,
      fields,
    });
  }
}
