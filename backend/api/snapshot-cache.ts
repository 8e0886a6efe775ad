/**
 * A rendered response kept for a short time. A NOC's consoles, Grafana panels and
 * scrapers ask for the same snapshot many times a second; rendering once per window (not
 * once per request) is what keeps their latency flat under load. The window is far below
 * the heartbeat interval's granularity that the data itself has.
 */
import { systemClock, type Clock } from '../time/clock';

export class SnapshotCache<T = string> {
  private body?: T;
  private at = -Infinity;
  private pending?: Promise<T>;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Pick<Clock, 'now'> = systemClock
  ) {}

  private version?: unknown;

  /**
   * The kept body while fresh and rendered at the same `version` (a change a client has just
   * been told of, such as a configuration revision, must show at once); otherwise one render,
   * shared by every request that waits for it.
   */
  async get(render: () => T | Promise<T>, version?: unknown): Promise<T> {
    if (this.body !== undefined && this.clock.now() - this.at < this.ttlMs && version === this.version) {
      return this.body;
    }
    this.version = version;
    this.pending ??= (async () => {
      try {
        const started = this.clock.now();
        this.body = await render();
        this.at = started;
        return this.body;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}
