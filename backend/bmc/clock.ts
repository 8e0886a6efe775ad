// Time as the BMC code sees it. Injected everywhere so that the checker and the fencing
// logic can be driven by a fake clock in unit tests: no test waits for real seconds, and
// every interleaving of timers and results can be replayed deterministically.

export type TimerHandle = unknown;

export interface Scheduler {
  /** Wall-clock milliseconds since the epoch (timestamps in states and evidence). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on the given scheduler. */
export function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => {
    scheduler.setTimeout(resolve, ms);
  });
}

/** Monotonic milliseconds for measuring durations (immune to wall-clock steps). */
export function monotonicMs(): number {
  return performance.now();
}
