/**
 * Time, as the membership core sees it. The core never reads a clock or starts a timer on
 * its own: it is handed a Clock. Production passes `systemClock`; the simulation passes a
 * virtual clock, so that a test can say "the peer is down at exactly t = 1501 ms" and a
 * seed replays the very same run.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /**
   * Milliseconds on a monotonic clock. Only differences matter. It must never step
   * backwards: wall-clock time does (NTP, an administrator's `date`), and a step would make
   * every path look silent at once.
   */
  now(): number;
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
  setTimer(delayMs, fn) {
    // Node truncates fractional delays; rounding up means a deadline is never checked a
    // fraction of a millisecond early (which would only cost one extra wake-up, but still).
    const handle = setTimeout(fn, Math.max(0, Math.ceil(delayMs)));
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Converts a time on the monotonic clock to wall-clock epoch milliseconds, for display. */
export function toWallTime(monotonicMs: number, nowMonotonic = monotonicNow(), nowWall = Date.now()): number {
  return nowWall - (nowMonotonic - monotonicMs);
}

/** Converts wall-clock epoch milliseconds (e.g. when a BMC reading was taken) to the monotonic clock. */
export function fromWallTime(wallMs: number, nowMonotonic = monotonicNow(), nowWall = Date.now()): number {
  return nowMonotonic - (nowWall - wallMs);
}
