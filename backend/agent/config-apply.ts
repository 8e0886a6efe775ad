/**
 * Cluster-wide configuration changes: all reachable agents store the new revision, or
 * none does. A two-phase exchange over the agents' API (peer token):
 *
 *   1. prepare: every reachable peer checks that the change is based on its current
 *      revision and that the configuration validates, then holds it (a short lease);
 *   2. commit: when every reachable peer prepared, the coordinator stores the revision
 *      and tells the peers to store theirs; otherwise it aborts and nobody stores it.
 *
 * An unreachable peer is left out and catches up later through config convergence (its
 * heartbeats announce an older revision). A peer that prepared and then missed the
 * commit also catches up that way. Two applies racing, on one agent or on two, cannot
 * both pass: the coordinator holds its own lease first, and a peer holds one lease at a
 * time, so the loser gets a conflict and nothing is stored by it.
 *
 * Each agent applies what it stores live (agent.ts, reconfig/plan.ts) and says what took
 * effect; the coordinator's answer gathers those reports. A change that every server must
 * take at once (heartbeat timing) is refused while a peer is unreachable.
 */
import type { AgentApplyReport } from '../api/answers/config';
import type { ClusterConfig, Problem } from '../config/model';
import { needsEveryServer } from '../reconfig/plan';
import { StoreWriteError, type ConfigStore, type StoredRevision } from '../config/store';
import { checkRevision } from '../peer/revision-check';
import { systemClock, type Clock } from '../time/clock';

export interface Proposal {
  /** The revision the change is based on (what the client saw, If-Match). */
  base: number;
  revision: number;
  hash: string;
  config: unknown;
  coordinator: string;
}

export type PrepareAnswer = { ok: true } | { ok: false; reason: string; conflict: boolean };

/** report: what the peer did with it (absent from agents without live reconfiguration). */
export type CommitOutcome = { ok: true; report?: AgentApplyReport } | { ok: false };

export interface PeerTransport {
  /** undefined: the peer could not be reached (left out, it catches up later). */
  prepare(peer: string, p: Proposal): Promise<PrepareAnswer | undefined>;
  commit(peer: string, revision: number, hash: string): Promise<CommitOutcome>;
  abort(peer: string, revision: number, hash: string): Promise<void>;
}

/**
 * Why a change was not applied: `invalid` (the configuration, or it does not list this
 * server); `conflict` (lost a race, or based on a stale revision); `refused` (a peer refused
 * for another reason); `no-space` (no space left to store it here); `store-failed` (it could
 * not be stored here otherwise). Transports map the kind (api/refusals.ts).
 */
export type ApplyErrorKind = 'invalid' | 'conflict' | 'refused' | 'no-space' | 'store-failed';

export class ApplyError extends Error {
  constructor(
    message: string,
    readonly kind: ApplyErrorKind,
    readonly problems: Problem[] = []
  ) {
    super(message);
  }
}

export interface ApplyResult {
  revision: number;
  hash: string;
  committed: string[];
  unreachable: string[];
  /** What each committed agent that reported did with the revision (this one first). */
  agents: AgentApplyReport[];
  /** Where the time went (ms): validation here, the prepare round, local store + commit round. */
  timings: { validateMs: number; prepareMs: number; commitMs: number };
}

interface Lease {
  revision: number;
  hash: string;
  config: ClusterConfig;
  coordinator: string;
  expires: number;
}

const LEASE_MS = 10_000;

export class ConfigApplier {
  private lease?: Lease;

  constructor(
    private readonly self: string,
    private readonly store: ConfigStore,
    private readonly current: () => StoredRevision,
    private readonly peers: () => string[],
    private readonly transport: PeerTransport,
    /** Makes a stored revision this agent's own and applies it live; what took effect. */
    private readonly adopt: (stored: StoredRevision, from: string) => Promise<AgentApplyReport>,
    /** Lease expiry and the timings reported, on now() (default: systemClock). */
    private readonly clock: Clock = systemClock,
    /** Why a valid configuration cannot run on this server (a script user it lacks), or null. */
    private readonly applicable: (config: ClusterConfig) => string | null = () => null
  ) {}

  /** Coordinator: validate, prepare everywhere reachable, then commit or abort. */
  async apply(data: unknown, base: number, source: string): Promise<ApplyResult> {
    const t0 = this.clock.now();
    const revision = base + 1;
    const current = this.current().revision;
    const checked = checkRevision({ config: data, revision, listing: this.self, base }, current);
    if (!checked.ok) {
      switch (checked.kind) {
        case 'invalid':
          throw new ApplyError('the configuration is not valid', 'invalid', checked.problems);
        case 'not-listed':
          throw new ApplyError(`the configuration does not list this server ("${this.self}")`, 'invalid');
        case 'stale':
          throw new ApplyError(stale(base, current), 'conflict');
        default: // a hash was not asked for
          throw new Error(`internal: unexpected verdict ${checked.kind}`);
      }
    }
    const { config, hash } = checked;
    const unfit = this.applicable(config);
    if (unfit !== null) {
      throw new ApplyError(`not applicable on ${this.self}: ${unfit}`, 'refused');
    }
    const own = this.hold({ revision, hash, config, coordinator: this.self });
    if (!own.ok) {
      throw new ApplyError(own.reason, 'conflict');
    }
    const proposal: Proposal = { base, revision, hash, config, coordinator: this.self };
    const t1 = this.clock.now();
    const peers = this.peers();
    const answers = await Promise.all(
      peers.map(async (peer) => ({ peer, answer: await this.transport.prepare(peer, proposal) }))
    );
    const refused = answers.filter((a) => a.answer && !a.answer.ok);
    const prepared = answers.filter((a) => a.answer?.ok).map((a) => a.peer);
    const unreachable = answers.filter((a) => a.answer === undefined).map((a) => a.peer);
    const together = unreachable.length > 0 ? needsEveryServer(this.current().config, config) : null;
    if (refused.length === 0 && together !== null) {
      this.lease = undefined;
      await Promise.all(prepared.map((peer) => this.transport.abort(peer, revision, hash)));
      throw new ApplyError(
        `not applied: ${together}, and ${unreachable.join(', ')} cannot be reached (it would keep the old one)`,
        'refused'
      );
    }
    if (refused.length > 0) {
      this.lease = undefined;
      await Promise.all(prepared.map((peer) => this.transport.abort(peer, revision, hash)));
      const reasons = refused.map((a) => `${a.peer}: ${a.answer && !a.answer.ok ? a.answer.reason : ''}`).join('; ');
      const conflict = refused.some((a) => a.answer && !a.answer.ok && a.answer.conflict);
      throw new ApplyError(`not applied, a peer refused (${reasons})`, conflict ? 'conflict' : 'refused');
    }
    const t2 = this.clock.now();
    let stored: StoredRevision;
    let report: AgentApplyReport;
    try {
      ({ stored, report } = await this.commitLocal(revision, hash, source));
    } catch (e) {
      // Nobody stores what the coordinator could not: the peers let their leases go.
      await Promise.all(prepared.map((peer) => this.transport.abort(peer, revision, hash)));
      if (e instanceof StoreWriteError) {
        throw new ApplyError(`not applied: ${e.message}`, e.noSpace ? 'no-space' : 'store-failed');
      }
      throw e;
    }
    const outcomes = await Promise.all(
      prepared.map(async (peer) => ({ peer, outcome: await this.transport.commit(peer, revision, hash) }))
    );
    const committed = outcomes.filter((o) => o.outcome.ok);
    return {
      revision: stored.revision,
      hash: stored.hash,
      committed: [this.self, ...committed.map((o) => o.peer)],
      unreachable,
      agents: [report, ...committed.flatMap((o) => (o.outcome.ok && o.outcome.report ? [o.outcome.report] : []))],
      timings: { validateMs: round(t1 - t0), prepareMs: round(t2 - t1), commitMs: round(this.clock.now() - t2) },
    };
  }

  /** Participant: hold a proposal if it is based on our current revision and validates. */
  prepare(p: Proposal): PrepareAnswer {
    const current = this.current().revision;
    const checked = checkRevision({ config: p.config, revision: p.revision, hash: p.hash, base: p.base }, current);
    if (!checked.ok) {
      switch (checked.kind) {
        case 'invalid':
          return { ok: false, reason: `invalid here: ${checked.problems.length} problem(s)`, conflict: false };
        case 'hash-mismatch':
          return { ok: false, reason: 'content hash does not match', conflict: false };
        case 'stale':
          return { ok: false, reason: stale(p.base, current), conflict: true };
        default: // a listing was not asked for (a change may remove this server)
          throw new Error(`internal: unexpected verdict ${checked.kind}`);
      }
    }
    const unfit = this.applicable(checked.config);
    if (unfit !== null) {
      return { ok: false, reason: `not applicable on ${this.self}: ${unfit}`, conflict: false };
    }
    return this.hold({ revision: p.revision, hash: p.hash, config: checked.config, coordinator: p.coordinator });
  }

  async commit(
    revision: number,
    hash: string,
    from: string
  ): Promise<{ stored: StoredRevision; report?: AgentApplyReport } | undefined> {
    // The coordinator stores first and its heartbeats announce the revision at once, so
    // convergence may have fetched and stored this very revision before the commit came.
    const current = this.current();
    if (current.revision === revision && current.hash === hash) {
      this.abort(revision, hash);
      // adopt() answers with the report of the apply already done (or under way).
      return { stored: current, report: await this.adopt(current, from) };
    }
    const l = this.lease;
    if (!l || l.revision !== revision || l.hash !== hash || l.expires < this.clock.now()) {
      return undefined;
    }
    return this.commitLocal(revision, hash, `peer:${from}`);
  }

  abort(revision: number, hash: string): void {
    if (this.lease && this.lease.revision === revision && this.lease.hash === hash) {
      this.lease = undefined;
    }
  }

  /** One lease at a time: a second change while one is held is a conflict. */
  private hold(p: Omit<Lease, 'expires'>): PrepareAnswer {
    const l = this.lease;
    if (l && l.expires >= this.clock.now() && !(l.revision === p.revision && l.hash === p.hash)) {
      return {
        ok: false,
        reason: `another change (revision ${l.revision} from ${l.coordinator}) is in progress`,
        conflict: true,
      };
    }
    this.lease = {
      revision: p.revision,
      hash: p.hash,
      config: p.config,
      coordinator: p.coordinator,
      expires: this.clock.now() + LEASE_MS,
    };
    return { ok: true };
  }

  private async commitLocal(
    revision: number,
    hash: string,
    source: string
  ): Promise<{ stored: StoredRevision; report: AgentApplyReport }> {
    const l = this.lease!;
    this.lease = undefined;
    const stored = this.store.apply(l.config, source, revision);
    if (stored.hash !== hash) {
      throw new Error('internal: stored hash differs from the prepared one');
    }
    return { stored, report: await this.adopt(stored, source) };
  }
}

function stale(base: number, current: number): string {
  return `based on revision ${base}, but the current revision is ${current}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
