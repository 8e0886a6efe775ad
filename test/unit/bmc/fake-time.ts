// A fake clock for the BMC unit tests: timers fire only when a test advances time, so every
// interleaving of ticks, results and timeouts is deterministic and no test waits for real time.
import type { Clock, Timer } from '../../../backend/time/clock';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets every pending promise continuation run (setImmediate runs after the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Unlike time/clock.ts's VirtualClock it lets promises settle between timers (advance and run
 * are async), which the BMC code needs: its timers and ipmitool results interleave. Monotonic
 * and wall time are the same number here (both start at `start`), so a test can compare a
 * state's wall-clock timestamp with now().
 */
export class FakeClock implements Clock {
  private t: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  wallNow(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.t + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > end) {
        break;
      }
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** Drives time from timer to timer until `promise` settles (fails on a deadlock). */
  async run<T>(promise: Promise<T>, maxSteps = 10_000): Promise<T> {
    let settled = false;
    void promise.then(
      () => (settled = true),
      () => (settled = true)
    );
    for (let i = 0; i < maxSteps; i++) {
      await flush();
      if (settled) {
        return promise;
      }
      const next = this.earliest();
      if (next === undefined) {
        throw new Error('deadlock: the promise waits, but no timer is pending');
      }
      await this.advance(next.at - this.t);
    }
    throw new Error(`promise still pending after ${maxSteps} timer steps`);
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) {
        best = timer;
      }
    }
    return best;
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
