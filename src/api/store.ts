/**
 * A small data layer instead of @tanstack/react-query, on purpose: react-query is not one of
 * the modules Grafana shares with plugins (it would add ~13 kB gzip to module.js), and its
 * retries and refetch-on-focus would fight the client, which already decides where a read
 * goes and must never resend a change. What the pages need is small: one entry per resource
 * key, reads coalesced (one in flight, at most one more queued, a minimum interval), answers
 * structurally shared, and subscriptions through useSyncExternalStore.
 */
import { ApiError } from './errors';
import { replaceEqualDeep } from './share';

export interface Snapshot<T> {
  data?: T;
  error?: ApiError;
  /** A read is in flight. */
  loading: boolean;
  /** When the shown data was received (browser clock). */
  fetchedAt?: number;
  /** The agent that answered it. */
  agent?: number;
}

export interface Loaded<T> {
  data: T;
  agent: number;
}

export class Resource<T> {
  private snap: Snapshot<T> = { loading: false };
  private readonly listeners = new Set<() => void>();
  private inFlight: Promise<void> | null = null;
  private queued = false;
  private lastStart = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly load: () => Promise<Loaded<T>>,
    private readonly minIntervalMs = 200,
    private readonly now: () => number = Date.now
  ) {}

  getSnapshot = (): Snapshot<T> => this.snap;

  get active(): boolean {
    return this.listeners.size > 0;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Read again soon: coalesced with a read in flight and spaced by minIntervalMs. */
  refresh(): Promise<void> {
    if (this.inFlight) {
      this.queued = true;
      return this.inFlight;
    }
    const wait = this.lastStart + this.minIntervalMs - this.now();
    if (wait > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.refresh();
        }, wait);
      }
      return Promise.resolve();
    }
    this.lastStart = this.now();
    this.set({ ...this.snap, loading: true });
    this.inFlight = this.load().then(
      (r) => {
        this.set({
          data: replaceEqualDeep(this.snap.data, r.data),
          loading: false,
          fetchedAt: this.now(),
          agent: r.agent,
        });
      },
      (e: unknown) => {
        const error =
          e instanceof ApiError ? e : new ApiError('unreachable', e instanceof Error ? e.message : String(e));
        // Keep the last data: the page shows it as stale rather than blank.
        this.set({ ...this.snap, loading: false, error });
      }
    );
    return this.inFlight.finally(() => {
      this.inFlight = null;
      if (this.queued) {
        this.queued = false;
        void this.refresh();
      }
    });
  }

  /** Local knowledge (e.g. a stream event) applied without a read. */
  update(fn: (data: T | undefined) => T): void {
    this.set({ ...this.snap, data: replaceEqualDeep(this.snap.data, fn(this.snap.data)) });
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.listeners.clear();
  }

  private set(next: Snapshot<T>) {
    this.snap = next;
    this.listeners.forEach((l) => l());
  }
}

/** Resources by key, so two pages showing the status share one read. */
export class ResourceCache {
  private readonly entries = new Map<string, Resource<unknown>>();

  get<T>(key: string, create: () => Resource<T>): Resource<T> {
    let r = this.entries.get(key) as Resource<T> | undefined;
    if (!r) {
      r = create();
      this.entries.set(key, r as Resource<unknown>);
    }
    return r;
  }

  /** Read again every resource whose key starts with one of the prefixes and that a page shows. */
  invalidate(...prefixes: string[]): void {
    for (const [key, r] of this.entries) {
      if (r.active && prefixes.some((p) => key.startsWith(p))) {
        void r.refresh();
      }
    }
  }

  refreshActive(): void {
    for (const r of this.entries.values()) {
      if (r.active) {
        void r.refresh();
      }
    }
  }

  dispose(): void {
    this.entries.forEach((r) => r.dispose());
    this.entries.clear();
  }
}
