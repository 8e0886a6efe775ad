/**
 * Failed authentications per client address, for the API's 429. Both tables are bounded
 * LRU caches (lru-cache) whose entries expire with their window, and they are kept apart:
 * a flood of new addresses that fail once each only churns the table of addresses still
 * under the limit, and never frees an address that is limited (only other limited
 * addresses, each of which had to fail more than `maxFailures` times, can push one out).
 */
import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../time/clock';

export interface FailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Addresses remembered in each table. */
  maxClients: number;
  /** Windows and the tables' expiry run on now() (default: systemClock). */
  clock?: Pick<Clock, 'now'>;
}

interface Window {
  count: number;
  since: number;
}

export type Verdict = { limited: false } | { limited: true; retryAfterS: number };

export class FailureLimiter {
  private readonly now: () => number;
  private readonly counting: LRUCache<string, Window>;
  private readonly limited: LRUCache<string, Window>;

  constructor(private readonly options: FailureLimiterOptions) {
    const clock = options.clock ?? systemClock;
    this.now = () => clock.now();
    const table = () =>
      new LRUCache<string, Window>({
        max: options.maxClients,
        ttl: options.windowMs,
        perf: { now: this.now },
      });
    this.counting = table();
    this.limited = table();
  }

  /** Records one failure of `client` and says whether it is over the limit now. */
  fail(client: string): Verdict {
    const now = this.now();
    const w = this.options.windowMs;
    const blocked = this.limited.get(client);
    if (blocked && now - blocked.since < w) {
      blocked.count++;
      return { limited: true, retryAfterS: Math.ceil((blocked.since + w - now) / 1000) };
    }
    const seen = this.counting.get(client);
    const current = seen && now - seen.since < w ? seen : { count: 0, since: now };
    current.count++;
    if (current.count <= this.options.maxFailures) {
      // The entry expires when its window ends, not a full window after the last failure.
      this.counting.set(client, current, { ttl: Math.max(1, current.since + w - now) });
      return { limited: false };
    }
    this.counting.delete(client);
    this.limited.set(client, current, { ttl: Math.max(1, current.since + w - now) });
    return { limited: true, retryAfterS: Math.ceil((current.since + w - now) / 1000) };
  }

  get size(): { counting: number; limited: number } {
    return { counting: this.counting.size, limited: this.limited.size };
  }
}
