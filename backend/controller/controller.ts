/**
 * The failover controller of one server: everything this server decides about groups,
 * with the I/O handed in (membership view, resource drivers, peer calls, fencing, clock),
 * so the agent (backend/agent/groups.ts) and the whole-cluster simulation (backend/sim/)
 * run the very same decisions.
 *
 * Once per heartbeat interval (`tick`):
 *   1. a stall (this process paused longer than the heartbeat timeout) stops every group
 *      held here before anything else: peers may have taken them over meanwhile;
 *   2. the partition guard judges silent peers (protection/guard.ts);
 *   3. a group held here that another server holds under a newer claim is stopped at once;
 *   4. on the decider only (decider.ts): takeover of the groups of servers known down, and
 *      once the cluster has settled, the start of every group that should run (the desired
 *      state, groups/desired.ts: automatic groups and those an operator started, minus those
 *      an operator stopped) and runs nowhere, whoever stopped it.
 * Operator and recovery requests go through `request`: carried out here when this server
 * decides, else forwarded to the decider, so they are serialized per group cluster-wide.
 */
import type { ClusterConfig } from '../config/model';
import { EpochBook, nextEpoch } from '../groups/claims';
import { DesiredBook, wantedGroups, type DesiredState, type OperatorWord } from '../groups/desired';
import { HOLDING_STATES, type LocalGroups } from '../groups/local-groups';
import { GroupOperations, OperationError, type GroupPeerTransport, type Outcome } from '../groups/operations';
import {
  autoStartGroups,
  clusterGroups,
  isDown,
  membershipSettled,
  orphanedGroups,
  outrankedGroups,
  trackHolders,
  type PeerView,
  type PlacementInput,
} from '../groups/placement';
import { groupViews, type GroupView } from '../groups/view';
import { PartitionGuard, type GuardHost, type GuardPeer } from '../protection/guard';
import { selfStopDeadlineMs } from '../protection/silence';
import type { Clock } from '../time/clock';
import { deciderOf } from './decider';
import type { GroupRequest } from './request';

export interface MemberPeer extends GuardPeer, PeerView {
  /** The heartbeat version the peer sends (absent: not heard yet). */
  version?: number;
}

export interface ControllerLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export interface ControllerDeps {
  /** The configuration now running: read at each use, since a new revision applies live. */
  config: () => ClusterConfig;
  self: string;
  clock: Clock;
  log: ControllerLog;
  local: LocalGroups;
  /** The peers as membership sees them now; null while heartbeats do not run. */
  peers(): MemberPeer[] | null;
  /** Why heartbeats do not run, or null. */
  membershipFailure(): string | null;
  steps: GroupPeerTransport;
  /** Sends a request to the decider; resolves with its outcome or rejects with OperationError. */
  forward(decider: string, request: GroupRequest): Promise<Outcome>;
  guard: Omit<GuardHost, 'peers' | 'stopHeld'>;
  /**
   * What heartbeats must announce from now on (held groups and their claim epochs), and what
   * the state directory must remember across a crash: the held groups and those waiting to
   * be started again (a server killed after a forced stop must not forget them); and the
   * newest desired state this server knows, which every heartbeat carries (groups/desired.ts).
   */
  announce(groups: string[], epochs: Record<string, number>, remember: string[], desired: DesiredState): void;
  onOutcome?: (outcome: Outcome, requestedBy: string) => void;
}

/** Groups started at once by the automatic start (scripts spawned together stall the loop). */
const AUTO_START_CONCURRENCY = 4;
const PENDING = 'a partition verdict is pending: nothing starts until it is known';
const JUST_BECAME = ' only just became the deciding server: retry in a moment';
/** Who asks for the groups a server had to stop, once it may start groups again. */
const REJOIN = 'rejoin';
/** Heartbeat intervals a server must have been the decider before it decides. */
const DECIDER_SETTLE_INTERVALS = 3;
/** A wanted group whose starts keep failing is tried again at most this many times more slowly. */
const RETRY_BACKOFF_MAX = 8;

/** The last start of a group this server coordinated (see mayStartAgain). */
interface Attempt {
  /** The servers asked to start it: they may hold it before their heartbeats say so. */
  servers: string[];
  endedAt: number;
  /** Failed attempts in a row. */
  failures: number;
}

export class Controller {
  readonly guard: PartitionGuard;
  readonly operations: GroupOperations;
  private readonly epochs = new EpochBook();
  /** The claim under which each group held here was started. */
  private readonly claims = new Map<string, number>();
  private readonly lastHolders = new Map<string, string>();
  private readonly givenUp = new Map<string, string>();
  private readonly startedAt: number;
  private lastTickAt: number | null = null;
  private deciderSince: { server: string; at: number } | null = null;
  /** What should run, as decided by operators anywhere in the cluster (groups/desired.ts). */
  private readonly desired = new DesiredBook();
  private readonly attempts = new Map<string, Attempt>();
  /** Groups seen running (or started) during this run: see startWanted on older peers. */
  private readonly seenRunning = new Set<string>();
  /** Set by `leave`: this agent is stopping, so it starts nothing more here. */
  private leaving = false;
  /** Set while stopping after a stall; starts are refused until it is cleared. */
  private stalled: string | null = null;
  private rejoinAt = 0;
  /** When the last stall began (the last tick before it). */
  private stalledSince = 0;
  /** The chain of forced releases, and how many are still running. */
  private releasing: Promise<void> = Promise.resolve();
  private releases = 0;
  private ready = false;
  /**
   * Groups this server stopped because it had to (a stall, a lost partition) rather than
   * because anyone asked: once it may start again, it asks the decider to start them.
   */
  private readonly restartAfter = new Set<string>();
  private readonly asking = new Set<string>();
  private readonly askAgainAt = new Map<string, number>();
  private peersAt: { at: number; peers: MemberPeer[] | null } | null = null;

  /** This server's place in the configured order (claims are numbered from it). */
  private position(): number {
    return this.deps.config().servers.findIndex((s) => s.name === this.deps.self);
  }

  constructor(private readonly deps: ControllerDeps) {
    const { config, self, clock } = deps;
    this.startedAt = clock.now();
    this.guard = new PartitionGuard(config, self, clock, {
      ...deps.guard,
      peers: () => this.peers() ?? [],
      stopHeld: () => this.release('this server lost the partition resolution'),
    });
    this.operations = new GroupOperations({
      self,
      clock,
      config,
      placement: () => this.placement(),
      local: deps.local,
      peers: deps.steps,
      // Two heartbeat intervals: the release is sent at once, a lost datagram repeated next round.
      releaseWaitMs: () => 2 * config().cluster.heartbeat.intervalMs + 100,
      grant: (group) => {
        const epoch = nextEpoch(this.epochs.known(group), this.position());
        this.epochs.see(group, epoch);
        return epoch;
      },
      takeClaim: (group, epoch) => this.takeClaim(group, epoch),
      learn: (group, epoch) => this.epochs.see(group, epoch),
      stillCoordinating: () => {
        this.checkStall(this.deps.clock.now());
        if (this.stalled !== null) {
          return this.stalled;
        }
        const decider = this.decider();
        return decider === this.deps.self ? null : `${this.deps.self} no longer decides (${decider} does)`;
      },
      startBlocked: () => (this.leaving ? `${self} is stopping` : this.startBlocked()),
      onOutcome: (outcome, requestedBy) => {
        this.noteAttempt(outcome);
        deps.onOutcome?.(outcome, requestedBy);
      },
    });
    deps.local.on('change', () => this.announce());
  }

  /**
   * A new revision is about to run: the partition guard keeps the takeover delays it may
   * lower (guard.ts). Call before the configuration getter returns the new revision.
   */
  beforeReconfigure(): void {
    this.guard.keepDelays();
  }

  /**
   * A new revision runs. Groups it adds as automatic are wanted from now on (the desired
   * state reads the configuration), and started once the cluster agrees on the group list.
   * Groups it removed are forgotten, operators' words on them included: a group added back
   * later is a new group, started if it is automatic (every agent forgets the same words).
   */
  reconfigured(): void {
    const now = new Set(this.deps.config().groups.map((g) => g.name));
    for (const g of [...this.restartAfter]) {
      if (!now.has(g)) {
        this.restartAfter.delete(g);
      }
    }
    const { stopped, started } = this.desired.current();
    for (const g of [...stopped, ...started]) {
      if (!now.has(g)) {
        this.tell(g, 'none');
      }
    }
  }

  /**
   * The leftovers of the previous run are stopped: placement may begin. Those groups ran
   * here when the agent died, so they are asked for again (the decider picks the server).
   */
  begin(released: readonly string[] = []): void {
    released.forEach((g) => this.restartAfter.add(g));
    this.ready = true;
  }

  /**
   * Membership's view, read once per instant: a tick asks for it a dozen times (placement,
   * decider, guard), and a snapshot of 32 peers is not free.
   */
  private peers(): MemberPeer[] | null {
    const now = this.deps.clock.now();
    if (this.peersAt?.at !== now) {
      this.peersAt = { at: now, peers: this.deps.peers() };
    }
    return this.peersAt.peers;
  }

  placement(): PlacementInput {
    return {
      config: this.deps.config(),
      self: this.deps.self,
      local: this.deps.local.list(),
      peers: this.peers() ?? [],
      down: this.guard.down(),
      absent: this.guard.absent(),
    };
  }

  list(): GroupView[] {
    return groupViews(this.placement(), (g) => this.operations.running(g));
  }

  /** What this server knows an operator last said of `group` (groups/desired.ts). */
  operatorWord(group: string): OperatorWord {
    return this.desired.wordOn(group);
  }

  /** The server that decides now, as this server sees it. */
  decider(): string {
    const peers = this.peers() ?? [];
    return deciderOf({
      config: this.deps.config(),
      self: this.deps.self,
      peers,
      silent: this.guard.silentPeers(peers),
      gone: [...this.guard.departed(), ...this.guard.down()],
    });
  }

  /** Whether this server may pet its watchdog: false once it must have released groups and has not. */
  mayPetWatchdog(): boolean {
    const held = this.deps.local.held().length > 0;
    const now = this.deps.clock.now();
    const budget = selfStopDeadlineMs(this.deps.config(), this.deps.self);
    const lostAt = this.guard.lostSince();
    if (held && lostAt !== null && now - lostAt > budget) {
      return false;
    }
    // After a stall, from its start: peers stopped hearing this server then, and their
    // watchdog deadline counts from it (simulation seed 6287: counted from the rejoin, the
    // reset came after a peer had started the group).
    if (held && this.stalled !== null && now - this.stalledSince > budget) {
      return false;
    }
    // A frozen loop pets nothing either: the tick that would notice it is the one that did not run.
    return this.lastTickAt === null || now - this.lastTickAt <= this.deps.config().cluster.heartbeat.timeoutMs;
  }

  tick(): void {
    const { clock, log } = this.deps;
    const config = this.deps.config();
    const now = clock.now();
    this.checkStall(now);
    this.lastTickAt = now;
    if (this.deps.membershipFailure() !== null || this.peers() === null || !this.ready) {
      return;
    }
    const input = this.placement();
    let newerDesired = false;
    for (const p of input.peers) {
      for (const [group, epoch] of Object.entries(p.epochs ?? {})) {
        this.epochs.see(group, epoch);
      }
      newerDesired = this.desired.see(p.desired) || newerDesired;
    }
    if (newerDesired) {
      this.announce(); // passed on, so a server that did not hear the decider learns it too
    }
    this.askRestarts(); // after learning the desired state: an operator's stop since is kept
    this.guard.tick();
    for (const group of outrankedGroups(input, this.claims)) {
      if (!this.deps.local.busy(group)) {
        log.warn({ group }, 'another server holds this group under a newer claim: stopping it here');
        void this.deps.local.stop(group, 'STOP').catch(() => undefined);
      }
    }
    trackHolders(input, this.lastHolders);
    const decider = this.decider();
    if (this.deciderSince?.server !== decider) {
      this.deciderSince = { server: decider, at: now };
    }
    if (!this.mayDecide(now)) {
      return;
    }
    for (const [group, from] of this.givenUp) {
      if (this.lastHolders.get(group) !== from) {
        this.givenUp.delete(group); // it ran somewhere since: a new loss is a new takeover
      }
    }
    const stopped = new Set(this.desired.current().stopped);
    for (const t of orphanedGroups(input, this.lastHolders)) {
      // A group an operator stopped is not taken over (its last holder may be a server coming
      // back with what its previous run left: simulation seed 3894).
      if (stopped.has(t.group)) {
        continue;
      }
      if (this.operations.running(t.group) === undefined && this.givenUp.get(t.group) !== t.from) {
        log.warn({ group: t.group, from: t.from }, `${t.from} is down: taking over its group`);
        void this.takeOver(t.group, t.from, t.candidates);
      }
    }
    if (membershipSettled(input.peers, now - this.startedAt, config.cluster.heartbeat.timeoutMs)) {
      this.startWanted(input, now);
    }
  }

  /**
   * Starts every group that should run and runs nowhere: at the cluster's start, and again
   * whenever one is left stopped (a partition loser or a stalled server released it, a move
   * failed halfway, the agent that stopped it is gone with its memory of it). A group waiting
   * for a never-heard peer starts once that peer is heard or settled (autoStartGroups).
   */
  private startWanted(input: PlacementInput, now: number): void {
    clusterGroups(input)
      .filter((g) => g.holders.length > 0)
      .forEach((g) => this.seenRunning.add(g.name));
    // An agent of heartbeat version 1 coordinates its own requests (decider.ts): a group it
    // is moving runs nowhere for a moment, unknown to this decider, so while one is heard a
    // group starts here only once per run, as before the desired state.
    const legacy = (this.peers() ?? []).some((p) => (p.version ?? 2) < 2);
    const wanted = wantedGroups(this.deps.config(), this.desired.current());
    const due = autoStartGroups(input, wanted)
      .map((t) => t.group)
      .filter(
        (g) =>
          this.operations.running(g) === undefined &&
          !(legacy && this.seenRunning.has(g)) &&
          this.mayStartAgain(g, input, now)
      );
    due.forEach((g) => this.seenRunning.add(g));
    if (due.length > 0) {
      void this.startAll(due);
    }
  }

  /**
   * Whether a group this server tried to start before may be tried again: a server asked to
   * start it may run it before its heartbeats announce it (an answer lost, a heartbeat
   * late), so each of them must have been heard since (a heartbeat round after the attempt
   * ended), be known down or have left; and failed attempts back off.
   */
  private mayStartAgain(group: string, input: PlacementInput, now: number): boolean {
    const a = this.attempts.get(group);
    if (a === undefined) {
      return true;
    }
    const { intervalMs, timeoutMs } = this.deps.config().cluster.heartbeat;
    const wait = (timeoutMs + 2 * intervalMs) * Math.min(RETRY_BACKOFF_MAX, 2 ** a.failures);
    if (now < a.endedAt + wait) {
      return false;
    }
    const departed = this.guard.departed();
    return a.servers.every((s) => {
      // A server that left has told us since that it released everything (leave, then `left`).
      if (s === this.deps.self || isDown(input, s) || departed.includes(s)) {
        return true;
      }
      const p = this.peers()?.find((x) => x.server === s);
      return p !== undefined && p.state === 'online' && (p.lastHeardAt ?? -Infinity) >= a.endedAt + intervalMs;
    });
  }

  /** Every operation coordinated here: the servers asked to start a group, for mayStartAgain. */
  private noteAttempt(o: Outcome): void {
    const servers = o.steps.filter((s) => s.action === 'start').map((s) => s.server);
    if (servers.length === 0) {
      return;
    }
    const failures = o.ok ? 0 : (this.attempts.get(o.group)?.failures ?? 0) + 1;
    this.attempts.set(o.group, { servers, endedAt: this.deps.clock.now(), failures });
  }

  /**
   * An operator's or a recovery's request: decided here if this server decides, else by
   * the decider. Refusals are OperationErrors (not found, conflict, unavailable).
   */
  async request(r: GroupRequest): Promise<Outcome> {
    this.checkStall(this.deps.clock.now());
    const decider = this.decider();
    if (decider !== this.deps.self) {
      return this.deps.forward(decider, r);
    }
    return this.decide(r);
  }

  /** A request forwarded by a peer: only the decider carries it out (no second hop). */
  async decide(r: GroupRequest): Promise<Outcome> {
    const now = this.deps.clock.now();
    this.checkStall(now);
    const decider = this.decider();
    if (decider !== this.deps.self) {
      throw new OperationError(`${this.deps.self} does not decide: ${decider} does`, 'unavailable');
    }
    const why = await this.untilDeciding();
    if (why !== '') {
      throw new OperationError(why, 'unavailable');
    }
    if ((r.op === 'move' || r.op === 'restart') && r.from !== undefined) {
      const now = clusterGroups(this.placement()).find((g) => g.name === r.group);
      if (now && now.currentServer !== r.from) {
        throw new OperationError(`group ${r.group} no longer runs on ${r.from}`, 'conflict');
      }
    }
    // What the operator asked for becomes the desired state, announced to every server, so
    // whichever decides later knows it. A stop is announced before it is carried out: should
    // this decider freeze halfway, the next one must not start the group again meanwhile
    // (simulation seed 30114); a stop that fails takes the word back.
    // Only the request that announced the stop takes it back, and only if nobody changed the
    // word since: requests run concurrently, and one that failed must not restore a word
    // another one replaced meanwhile (simulation seed 490: a failed move put back the stop
    // of a failed stop that was running beside it).
    const before = this.desired.wordOn(r.group);
    const announced = r.op === 'stop' && this.tell(r.group, 'stopped');
    const takeBack = () => {
      if (announced && this.desired.wordOn(r.group) === 'stopped') {
        this.tell(r.group, before);
      }
    };
    let outcome: Outcome;
    try {
      outcome = await this.carryOut(r);
    } catch (e) {
      takeBack();
      throw e;
    }
    if (outcome.ok && r.op !== 'restart') {
      this.tell(r.group, r.op === 'stop' ? 'stopped' : 'started');
    } else if (!outcome.ok) {
      takeBack();
    }
    return outcome;
  }

  /**
   * Records an operator's word and announces it; whether it changed anything. A group the
   * running revision no longer has takes no word (it was forgotten with the group, even when
   * the request began before the revision came: simulation seed 4054).
   */
  private tell(group: string, word: OperatorWord): boolean {
    if (word !== 'none' && !this.deps.config().groups.some((g) => g.name === group)) {
      return false;
    }
    if (this.desired.decide(group, word, this.position())) {
      this.announce();
      return true;
    }
    return false;
  }

  private carryOut(r: GroupRequest): Promise<Outcome> {
    if (r.requestedBy === REJOIN && r.op === 'start' && this.desired.current().stopped.includes(r.group)) {
      // The server asking was forced to stop it earlier; an operator stopped it since.
      throw new OperationError(`an operator stopped group ${r.group}: it is not started again`, 'conflict');
    }
    const base = { requestedBy: r.requestedBy, event: r.event };
    switch (r.op) {
      case 'start':
        return this.operations.start(r.group, { ...base, server: r.server, from: r.from });
      case 'stop':
        return this.operations.stop(r.group, base);
      case 'move':
        return this.operations.move(r.group, { ...base, server: r.server });
      case 'restart':
        return this.operations.restart(r.group, base);
    }
  }

  /**
   * A clean stop of this agent (maintenance): each group held here moves to the next
   * startup server, through the decider like any request; what cannot move is stopped and
   * asked for again when the agent starts next.
   */
  async leave(): Promise<void> {
    this.leaving = true;
    const held = this.deps.local
      .list()
      .filter((l) => l.state === 'online')
      .map((l) => l.group);
    await Promise.all(
      held.map((group) =>
        this.request({ op: 'move', group, from: this.deps.self, requestedBy: 'agent-stop', event: 'MOVE' }).then(
          (o) =>
            this.deps.log.info(
              { group, server: o.server, detail: o.detail },
              'group moved away before the agent stops'
            ),
          (e: Error) =>
            this.deps.log.warn(
              { group, err: e.message },
              'group not moved away: it is stopped, and asked for again at the next start'
            )
        )
      )
    );
    // What could not move is remembered (state directory) and asked for when the agent is back.
    await this.release('the agent is stopping', true);
  }

  /**
   * Stops every group held here (agent exit, partition loss, stall). `restart`: the groups
   * should run again (elsewhere, or here) once this server may start groups again.
   */
  release(reason: string, restart = true): Promise<void> {
    const run = async () => {
      const held = this.deps.local.held();
      if (restart) {
        held.forEach((g) => this.restartAfter.add(g));
      }
      if (held.length > 0) {
        this.deps.log.warn({ groups: held, reason }, 'stopping the groups held here');
        await this.deps.local.stopHeld('STOP');
      }
    };
    this.releases++;
    this.releasing = this.releasing.then(run, run).finally(() => this.releases--);
    return this.releasing;
  }

  private askRestarts(): void {
    if (this.restartAfter.size === 0 || this.startBlocked() !== null || this.guard.deciding() || this.releases > 0) {
      return;
    }
    // Kept in restartAfter (so in the state directory) until the group runs somewhere or the
    // decider has started it; a refusal (a view a heartbeat behind, a decider out of reach)
    // is asked again a few intervals later.
    const now = this.deps.clock.now();
    const running = new Set(
      clusterGroups(this.placement())
        .filter((g) => g.holders.length > 0)
        .map((g) => g.name)
    );
    const stopped = this.desired.current().stopped;
    for (const group of [...this.restartAfter]) {
      if (running.has(group) && !this.deps.local.busy(group)) {
        this.restartAfter.delete(group); // it runs (here or elsewhere): nothing left to ask
      } else if (stopped.includes(group)) {
        this.restartAfter.delete(group); // an operator stopped it since: that word is newer
      }
    }
    const due = [...this.restartAfter].filter((g) => !this.asking.has(g) && (this.askAgainAt.get(g) ?? 0) <= now);
    for (const group of due) {
      this.asking.add(group);
      this.request({ op: 'start', group, requestedBy: REJOIN, event: 'START' })
        .then(
          (o) => {
            this.deps.log.info(
              { group, server: o.server, detail: o.detail },
              'group started again after a forced stop'
            );
            if (o.ok) {
              this.restartAfter.delete(group);
            }
          },
          (e: Error) => {
            if (e instanceof OperationError && e.kind === 'not-found') {
              this.restartAfter.delete(group); // no longer configured
            }
            this.deps.log.warn({ group, err: e.message }, 'group not started again after a forced stop yet');
          }
        )
        .finally(() => {
          this.asking.delete(group);
          this.askAgainAt.set(group, this.deps.clock.now() + 5 * this.deps.config().cluster.heartbeat.intervalMs);
          this.announce();
        });
    }
  }

  /**
   * Waits out the transient reasons not to decide (a verdict pending, a decider that only
   * just took over: a few heartbeat intervals), so an operator's request made at that
   * moment is carried out rather than refused. Resolves with the reason that remains, or ''.
   */
  private async untilDeciding(): Promise<string> {
    const { clock } = this.deps;
    const config = this.deps.config();
    const interval = config.cluster.heartbeat.intervalMs;
    const until = clock.now() + (DECIDER_SETTLE_INTERVALS + 1) * interval + config.cluster.heartbeat.timeoutMs;
    for (;;) {
      const why = this.whyNotDeciding(clock.now());
      if (why === '' || !this.transient(why) || clock.now() >= until) {
        return why;
      }
      await new Promise<void>((r) => clock.setTimer(interval, r));
    }
  }

  private transient(why: string): boolean {
    return why === PENDING || why.endsWith(JUST_BECAME);
  }

  private mayDecide(now: number): boolean {
    return this.whyNotDeciding(now) === '';
  }

  private whyNotDeciding(now: number): string {
    const interval = this.deps.config().cluster.heartbeat.intervalMs;
    const failure = this.deps.membershipFailure();
    if (failure !== null) {
      return `heartbeats are not running (${failure}): deciding blind could run a group twice`;
    }
    if (!this.ready) {
      return 'the agent is still releasing what its previous run held';
    }
    const blocked = this.startBlocked();
    if (blocked !== null) {
      return blocked;
    }
    if (this.guard.deciding()) {
      return PENDING;
    }
    if (!this.guard.quorate(this.peers() ?? [])) {
      return 'too few servers are heard to decide (no majority, and not half with the master)';
    }
    if (this.deciderSince === null || this.deciderSince.server !== this.deps.self) {
      return `${this.deps.self} does not decide`;
    }
    if (now - this.deciderSince.at < DECIDER_SETTLE_INTERVALS * interval) {
      return `${this.deps.self}${JUST_BECAME}`;
    }
    return '';
  }

  private startBlocked(): string | null {
    if (!this.ready) {
      return 'this agent is still stopping what its previous run left active';
    }
    if (this.stalled !== null) {
      return this.stalled;
    }
    return this.guard.blocked();
  }

  /**
   * A tick that comes much later than planned means this process was paused (SIGSTOP, a
   * frozen VM, swap): peers may have judged it silent and taken its groups. It stops them
   * first, then refuses starts for a few intervals while it hears the cluster again.
   */
  private checkStall(now: number): void {
    const timeout = this.deps.config().cluster.heartbeat.timeoutMs;
    if (this.lastTickAt === null || now - this.lastTickAt <= timeout) {
      if (this.stalled !== null && this.releases === 0 && now >= this.rejoinAt) {
        this.stalled = null;
      }
      return;
    }
    const gap = Math.round(now - this.lastTickAt);
    this.stalledSince = this.lastTickAt;
    this.lastTickAt = now;
    this.stalled = `this server was paused for ${gap} ms (more than the heartbeat timeout): rejoining`;
    this.rejoinAt = now + DECIDER_SETTLE_INTERVALS * this.deps.config().cluster.heartbeat.intervalMs;
    this.deciderSince = null;
    this.deps.log.error(
      { gapMs: gap },
      'this server was paused longer than the heartbeat timeout: stopping its groups'
    );
    this.deps.guard.record(
      'fatal',
      `${this.deps.self} was paused for ${gap} ms: its groups are stopped before it rejoins`,
      {
        gapMs: gap,
      }
    );
    void this.release('stall').finally(() => {
      this.rejoinAt = Math.max(
        this.rejoinAt,
        this.deps.clock.now() + DECIDER_SETTLE_INTERVALS * this.deps.config().cluster.heartbeat.intervalMs
      );
    });
  }

  private takeClaim(group: string, epoch: number | undefined): string | null {
    const known = this.epochs.known(group);
    if (epoch !== undefined && epoch < known) {
      return `the claim for group ${group} (epoch ${epoch}) is stale: epoch ${known} was granted since`;
    }
    const e = epoch ?? 0;
    this.epochs.see(group, e);
    this.claims.set(group, e);
    return null;
  }

  private announce(): void {
    const held = this.deps.local.list().filter((l) => HOLDING_STATES.has(l.state));
    const epochs: Record<string, number> = {};
    for (const l of held) {
      epochs[l.group] = this.claims.get(l.group) ?? 0;
    }
    for (const group of this.claims.keys()) {
      if (!(group in epochs)) {
        this.claims.delete(group);
      }
    }
    const names = held.map((l) => l.group);
    this.deps.announce(names, epochs, [...new Set([...names, ...this.restartAfter])], this.desired.current());
  }

  /** Starts a group whose server is down, on the first candidate that takes it. */
  private async takeOver(group: string, from: string, candidates: string[]) {
    for (const server of candidates) {
      try {
        const o = await this.operations.start(group, { server, requestedBy: 'failover', event: 'FAILOVER', from });
        if (o.ok) {
          this.deps.log.info({ group, from, server }, 'group taken over');
          return;
        }
      } catch (e) {
        this.deps.log.warn({ group, server, err: (e as Error).message }, 'takeover refused');
        return; // busy or held: the next round sees the outcome
      }
    }
    this.givenUp.set(group, from);
    this.deps.log.error({ group, from }, 'group could not be taken over on any server');
  }

  /** Starts each group on the first of its startup servers that is up and takes it. */
  private async startAll(groups: string[]) {
    const queue = [...groups];
    const worker = async () => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        try {
          const o = await this.operations.start(group, { requestedBy: 'auto-start' });
          this.deps.log[o.ok ? 'info' : 'error']({ group, server: o.server, detail: o.detail }, 'automatic start');
        } catch (e) {
          // Refused before any step (held meanwhile, no server up): tried again later, backing off.
          const failures = (this.attempts.get(group)?.failures ?? 0) + 1;
          this.attempts.set(group, { servers: [], endedAt: this.deps.clock.now(), failures });
          this.deps.log.warn({ group, err: (e as Error).message }, 'automatic start refused');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(AUTO_START_CONCURRENCY, queue.length) }, worker));
  }
}
