/**
 * Config convergence, the doing: evaluates what peers announce (convergence-decision.ts),
 * fetches a newer revision from a peer's API with the peer token, checks it and stores it
 * under the peer's revision number, and reports conflicts loudly (error log, fatal event,
 * `lifeline_config_conflicts_total`).
 *
 * What is checked before a fetched configuration is stored (peer/revision-check.ts): the answer is for the
 * revision asked; it validates (schema and cross-field rules); its content hash equals the
 * hash the peer announced in its (authenticated) heartbeats, so a wrong or tampered body is
 * refused whatever the transport; and it still lists this server. Failures are logged once
 * per peer and revision and retried with backoff (1 s doubling to 30 s).
 */
import { Counter, type Registry } from 'prom-client';
import { shortHash } from '../config/hash';
import type { ClusterConfig } from '../config/model';
import { RevisionConflictError, type ConfigStore, type StoredRevision } from '../config/store';
import type { EventLog } from '../events/event-log';
import type { Logger } from '../log';
import { PeerClient } from '../peer/client';
import { fetchConfigRevision } from '../peer/config-calls';
import { describeFailure } from '../peer/failure';
import { checkRevision } from '../peer/revision-check';
import { systemClock, type Clock } from '../time/clock';
import {
  conflictKey,
  decideConvergence,
  type Announcement,
  type ConfigConflict,
  type ConvergenceDecision,
} from '../config/convergence-decision';

export interface ConvergenceOptions {
  self: string;
  store: ConfigStore;
  log: Logger;
  events: EventLog;
  registry: Registry;
  /** The peer API token (peer-token.ts). */
  token: string;
  current: () => { revision: number; hash: string };
  /** How peers are reached: servers[].api and api.tls of this configuration. */
  config: () => ClusterConfig;
  announcements: () => Announcement[];
  adopt: (stored: StoredRevision, from: string) => void;
  /** Re-evaluate this often (retries, peers coming online); default 1000 ms. */
  periodMs?: number;
  requestTimeoutMs?: number;
  /** Retry backoff on now(), event times on wallNow() (default: systemClock). */
  clock?: Clock;
}

const MAX_BACKOFF_MS = 30_000;

export class ConfigConvergence {
  private readonly conflictsTotal: Counter;
  private readonly active = new Map<string, ConfigConflict>();
  private readonly retries = new Map<string, { at: number; delayMs: number }>();
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly peers: PeerClient;
  private readonly clock: Clock;

  constructor(private readonly options: ConvergenceOptions) {
    this.peers = new PeerClient(options.config, options.token);
    this.clock = options.clock ?? systemClock;
    this.conflictsTotal = new Counter({
      name: 'lifeline_config_conflicts_total',
      help: 'Configuration conflicts detected: one revision announced with different content hashes.',
      registers: [options.registry],
    });
  }

  start(): void {
    this.timer = setInterval(() => this.evaluate(), this.options.periodMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.inFlight;
  }

  /** Conflicts standing now. */
  conflicts(): ConfigConflict[] {
    return [...this.active.values()];
  }

  /** Looks at the announcements now (call on every summary change; also runs periodically). */
  evaluate(): ConvergenceDecision | null {
    if (this.stopped) {
      return null;
    }
    const current = this.options.current();
    const decision = decideConvergence({ server: this.options.self, ...current }, this.options.announcements());
    this.reportConflicts(decision.conflicts);
    const f = decision.fetch;
    if (f && this.inFlight === null) {
      const key = `${f.server}:${f.revision}:${f.hash}`;
      const retry = this.retries.get(key);
      if (retry === undefined || this.clock.now() >= retry.at) {
        this.inFlight = this.fetchAndStore(f.server, f.revision, f.hash)
          .then(
            () => {
              this.retries.delete(key);
            },
            (e: Error) => {
              const delayMs = retry ? Math.min(MAX_BACKOFF_MS, retry.delayMs * 2) : 1000;
              this.retries.set(key, { at: this.clock.now() + delayMs, delayMs });
              if (retry === undefined) {
                this.options.log.warn(
                  { peer: f.server, revision: f.revision, error: e.message },
                  'cannot fetch a newer configuration from a peer (retrying with backoff; logged once)'
                );
              }
            }
          )
          .finally(() => {
            this.inFlight = null;
          });
      }
    }
    return decision;
  }

  private reportConflicts(conflicts: ConfigConflict[]): void {
    const now = new Set<string>();
    for (const c of conflicts) {
      const key = conflictKey(c);
      now.add(key);
      if (this.active.has(key)) {
        continue;
      }
      this.active.set(key, c);
      this.conflictsTotal.inc();
      const who = Object.entries(c.hashes)
        .map(([s, h]) => `${s} ${shortHash(h)}`)
        .join(', ');
      this.options.log.error(
        { revision: c.revision, hashes: c.hashes },
        'CONFIGURATION CONFLICT: one revision, different contents; nothing is adopted until an operator applies a new revision'
      );
      this.options.events.append({
        time: this.clock.wallNow(),
        server: this.options.self,
        type: 'config-conflict',
        class: 'fatal',
        source: `convergence:${this.options.self}`,
        summary: `configuration conflict: revision ${c.revision} has different contents (${who}); apply a new revision to resolve it`,
        fields: { revision: c.revision, hashes: c.hashes },
      });
    }
    for (const [key, c] of this.active) {
      if (!now.has(key)) {
        this.active.delete(key);
        this.options.log.info({ revision: c.revision }, 'configuration conflict resolved');
      }
    }
  }

  private async fetchAndStore(server: string, revision: number, hash: string): Promise<void> {
    const r = await fetchConfigRevision(this.peers, server, revision, this.options.requestTimeoutMs ?? 5000);
    if (!r.ok) {
      throw new Error(`revision ${revision} from ${server}: ${server} ${describeFailure(r)}`);
    }
    if (r.body.revision !== revision) {
      throw new Error(`asked ${server} for revision ${revision}, it answered revision ${r.body.revision}`);
    }
    const checked = checkRevision(
      { config: r.body.config, revision, hash, listing: this.options.self },
      this.options.current().revision
    );
    if (!checked.ok) {
      switch (checked.kind) {
        case 'invalid':
          throw new Error(
            `revision ${revision} from ${server} is not a valid configuration (${checked.problems.length} problem(s))`
          );
        case 'hash-mismatch':
          throw new Error(
            `revision ${revision} from ${server} has hash ${shortHash(checked.hash)}, but ${server} announces ${shortHash(hash)}: refused`
          );
        case 'not-listed':
          throw new Error(
            `revision ${revision} from ${server} does not list this server (${this.options.self}): refused`
          );
        case 'stale':
          return; // stored meanwhile (the two-phase commit, or an earlier fetch)
      }
    }
    if (this.stopped) {
      return;
    }
    let stored: StoredRevision;
    try {
      stored = this.options.store.apply(checked.config, `peer:${server}`, revision);
    } catch (e) {
      if (e instanceof RevisionConflictError) {
        return; // stored meanwhile (another writer): the next evaluation sees it
      }
      throw e;
    }
    this.options.adopt(stored, server);
  }
}
