/**
 * A virtual clock for the membership core: time moves only when the test says so, and
 * timers fire in (due time, creation order), so a run is a pure function of its inputs.
 */
import type { Clock, Timer } from '../../../../backend/membership';

interface Entry {
  at: number;
  id: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private t = 0;
  private ids = 0;
  private queue: Entry[] = [];

  now(): number {
    return this.t;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const entry: Entry = { at: this.t + Math.max(0, delayMs), id: this.ids++, fn, cancelled: false };
    // Sorted insert by (at, id): later ids go after equal times.
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
