/**
 * One simulated host's view of the shared virtual clock. A paused host (SIGSTOP, a frozen
 * VM) runs none of its timers and receives nothing; what came due meanwhile runs, in
 * order, when it resumes, with `now()` already jumped ahead: exactly what a process sees
 * after SIGCONT. A host that is off (crashed, powered off) drops its timers for good.
 */
import type { Clock, Timer, VirtualClock } from '../../time/clock';

export class HostClock implements Clock {
  private paused = false;
  private generation = 0;
  private deferred: Array<() => void> = [];

  constructor(private readonly clock: VirtualClock) {}

  now(): number {
    return this.clock.now();
  }

  wallNow(): number {
    return this.clock.wallNow();
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const generation = this.generation;
    let cancelled = false;
    const t = this.clock.setTimer(delayMs, () => this.run(generation, () => !cancelled && fn()));
    return {
      cancel: () => {
        cancelled = true;
        t.cancel();
      },
    };
  }

  /** Runs `fn` as this host (now, or at resume when paused; never once it is off). */
  deliver(fn: () => void): void {
    this.run(this.generation, fn);
  }

  isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const due = this.deferred;
    this.deferred = [];
    for (const fn of due) {
      fn();
    }
  }

  /** The host stops existing as it was (crash, power-off): its pending timers never run. */
  kill(): void {
    this.generation++;
    this.paused = false;
    this.deferred = [];
  }

  private run(generation: number, fn: () => void): void {
    if (generation !== this.generation) {
      return;
    }
    if (this.paused) {
      this.deferred.push(() => this.run(generation, fn));
      return;
    }
    fn();
  }
}
