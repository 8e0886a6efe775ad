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
 */
import { configHash } from '../config/hash';
import { validateConfig, type ClusterConfig, type Problem } from '../config/model';
import { StoreWriteError, type ConfigStore, type StoredRevision } from '../config/store';
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

export interface PeerTransport {
  /** undefined: the peer could not be reached (left out, it catches up later). */
  prepare(peer: string, p: Proposal): Promise<PrepareAnswer | undefined>;
  commit(peer: string, revision: number, hash: string): Promise<boolean>;
  abort(peer: string, revision: number, hash: string): Promise<void>;
}

export class ApplyError extends Error {
  constructor(
    message: string,
    /**
     * 400: invalid; 409: lost a race or stale base; 503: a peer refused for another reason;
     * 507: no space left to store the revision here; 500: it could not be stored here otherwise.
     */
    readonly status: 400 | 409 | 503 | 507 | 500,
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
    private readonly adopt: (stored: StoredRevision, from: string) => void,
    /** Lease expiry and the timings reported, on now() (default: systemClock). */
    private readonly clock: Clock = systemClock
  ) {}

  /** Coordinator: validate, prepare everywhere reachable, then commit or abort. */
  async apply(data: unknown, base: number, source: string): Promise<ApplyResult> {
    const t0 = this.clock.now();
    const valid = validateConfig(data);
    if (!valid.ok) {
      throw new ApplyError('the configuration is not valid', 400, valid.problems);
    }
    const config = valid.config;
    if (!config.servers.some((s) => s.name === this.self)) {
      throw new ApplyError(`the configuration does not list this server ("${this.self}")`, 400);
    }
    const revision = base + 1;
    const hash = configHash(config);
    const own = this.hold({ base, revision, hash, config, coordinator: this.self });
    if (!own.ok) {
      throw new ApplyError(own.reason, 409);
    }
    const proposal: Proposal = { base, revision, hash, config, coordinator: this.self };
    const t1 = this.clock.now();
    const peers = this.peers();
    const answers = await Promise.all(
      peers.map(async (peer) => ({ peer, answer: await this.transport.prepare(peer, proposal) }))
    );
    const refused = answers.filter((a) => a.answer && !a.answer.ok);
    const prepared = answers.filter((a) => a.answer?.ok).map((a) => a.peer);
    if (refused.length > 0) {
      this.lease = undefined;
      await Promise.all(prepared.map((peer) => this.transport.abort(peer, revision, hash)));
      const reasons = refused.map((a) => `${a.peer}: ${a.answer && !a.answer.ok ? a.answer.reason : ''}`).join('; ');
      const conflict = refused.some((a) => a.answer && !a.answer.ok && a.answer.conflict);
      throw new ApplyError(`not applied, a peer refused (${reasons})`, conflict ? 409 : 503);
    }
    const t2 = this.clock.now();
    let stored: StoredRevision;
    try {
      stored = this.commitLocal(revision, hash, source);
    } catch (e) {
      // Nobody stores what the coordinator could not: the peers let their leases go.
      await Promise.all(prepared.map((peer) => this.transport.abort(peer, revision, hash)));
      if (e instanceof StoreWriteError) {
        throw new ApplyError(`not applied: ${e.message}`, e.noSpace ? 507 : 500);
      }
      throw e;
    }
    const committed = await Promise.all(
      prepared.map(async (peer) => ((await this.transport.commit(peer, revision, hash)) ? peer : undefined))
    );
    return {
      revision: stored.revision,
      hash: stored.hash,
      committed: [this.self, ...committed.filter((p): p is string => p !== undefined)],
      unreachable: answers.filter((a) => a.answer === undefined).map((a) => a.peer),
      timings: { validateMs: round(t1 - t0), prepareMs: round(t2 - t1), commitMs: round(this.clock.now() - t2) },
    };
  }

  /** Participant: hold a proposal if it is based on our current revision and validates. */
  prepare(p: Proposal): PrepareAnswer {
    const valid = validateConfig(p.config);
    if (!valid.ok) {
      return { ok: false, reason: `invalid here: ${valid.problems.length} problem(s)`, conflict: false };
    }
    if (configHash(valid.config) !== p.hash) {
      return { ok: false, reason: 'content hash does not match', conflict: false };
    }
    return this.hold({ ...p, config: valid.config });
  }

  commit(revision: number, hash: string, from: string): StoredRevision | undefined {
    // The coordinator stores first and its heartbeats announce the revision at once, so
    // convergence may have fetched and stored this very revision before the commit came.
    const current = this.current();
    if (current.revision === revision && current.hash === hash) {
      this.abort(revision, hash);
      return current;
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

  private hold(p: Omit<Lease, 'expires'> & { base: number }): PrepareAnswer {
    const current = this.current().revision;
    if (p.base !== current) {
      return {
        ok: false,
        reason: `based on revision ${p.base}, but the current revision is ${current}`,
        conflict: true,
      };
    }
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

  private commitLocal(revision: number, hash: string, source: string): StoredRevision {
    const l = this.lease!;
    this.lease = undefined;
    const stored = this.store.apply(l.config, source, revision);
    if (stored.hash !== hash) {
      throw new Error('internal: stored hash differs from the prepared one');
    }
    this.adopt(stored, source);
    return stored;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
