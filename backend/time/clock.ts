/**
 * Time, for the whole agent. Decisions never read a clock or start a timer on their own:
 * they are handed a Clock. Production passes `systemClock`; the deterministic simulation
 * (backend/sim/) and unit tests pass a `VirtualClock`, so a run is a pure function of its
 * seed and "the peer is down at exactly t = 1501 ms" is something a test can say.
 *
 * Two readings, because they answer different questions:
 * - `now()` is monotonic: durations, deadlines, timeouts. Wall time steps (NTP, `date`),
 *   and a step must never make every peer look silent at once or a deadline pass early.
 * - `wallNow()` is epoch milliseconds: timestamps people read (events, status, logs).
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic clock; only differences matter; never steps backwards. */
  now(): number;
  /** Wall-clock epoch milliseconds, for timestamps shown to people and stored. */
  wallNow(): number;
  /** Calls `fn` once, `delayMs` from now (at the earliest). */
  setTimer(delayMs: number, fn: () => void): Timer;
}

/**
 * CLOCK_MONOTONIC through process.hrtime. Unlike performance.now(), whose origin is the
 * start of each thread, hrtime is the same clock in the main thread and in worker threads,
 * so times posted by the heartbeat worker can be compared with `now()` in the main thread.
 */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const systemClock: Clock = {
  now: monotonicNow,
  wallNow: () => Date.now(),
  setTimer(delayMs, fn) {
    // Node truncates fractional delays; rounding up means a deadline is never checked early.
    const handle = setTimeout(fn, Math.max(0, Math.ceil(delayMs)));
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });
}

/**
 * A clock whose time moves only when told to; timers fire in (due time, creation order),
 * so a run is a pure function of its inputs. Wall time is a fixed epoch plus virtual time.
 */
export class VirtualClock implements Clock {
  private t = 0;
  private ids = 0;
  private queue: Array<{ at: number; id: number; fn: () => void; cancelled: boolean }> = [];

  constructor(private readonly epochMs = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t;
  }

  wallNow(): number {
    return this.epochMs + this.t;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const entry = { at: this.t + Math.max(0, delayMs), id: this.ids++, fn, cancelled: false };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.queue[mid].at <= entry.at) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    this.queue.splice(lo, 0, entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** When the next live timer is due (Infinity when none). */
  nextAt(): number {
    const next = this.queue.find((e) => !e.cancelled);
    return next ? next.at : Infinity;
  }

  /** Runs every timer due up to and including `t`, then sets the time to `t`. */
  runUntil(t: number): void {
    while (this.queue.length > 0 && this.queue[0].at <= t) {
      const e = this.queue.shift()!;
      if (!e.cancelled) {
        this.t = e.at;
        e.fn();
      }
    }
    this.t = Math.max(this.t, t);
  }

  advance(ms: number): void {
    this.runUntil(this.t + ms);
  }

  /** Timers still waiting (for leak checks). */
  pending(): number {
    return this.queue.filter((e) => !e.cancelled).length;
  }
}
