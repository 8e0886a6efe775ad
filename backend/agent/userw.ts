/**
 * userw, the user-mode monitor: is this agent's main thread (its event loop) responsive?
 *
 * Measurement. A probe timer runs every `probeMs` and records how late it fired into a
 * perf_hooks RecordableHistogram: that lateness is the event-loop delay (a timer cannot run
 * while the loop is blocked). A block longer than the probe period always delays a probe, by
 * at least its length minus one period; shorter blocks between two probes go unseen. The
 * period is a tenth of the smallest user-mode monitor timeout, between 20 and 100 ms (100 ms
 * without monitors): each wake-up of an idle agent costs CPU (about 0.1 ms on a small VM), and
 * 10 wake-ups a second are plenty for delays that matter at 100 ms and above. The histogram `perf_hooks.monitorEventLoopDelay`
 * gives is not used because its reset() forgets the interval in progress (tried on Node 20:
 * a 300 ms block right after reset() was not recorded at all) and it cannot be merged into
 * other histograms, so sliding windows over it would miss exactly the stalls that matter.
 *
 * Export. `lifeline_event_loop_delay_seconds`, a Prometheus summary: quantiles 0.5, 0.99 and
 * 1 (the maximum, as Go's go_gc_duration_seconds does) over a sliding window of the last 30 s
 * (6 buckets of 5 s, as prom-client's summaries do with maxAgeSeconds/ageBuckets), and _sum /
 * _count over every sample since start.
 *
 * Monitors. Every user-mode monitor that runs on this server checks, every intervalMs (after
 * initialWaitMs), the largest delay seen since its previous check. A delay above its
 * timeoutMs is a failed check; more than `retries` failed checks in a row put the monitor in
 * error (MonitorBoard.raiseError: recovery request and event). The first check that passes
 * afterwards clears the error this monitor raised (the loop is responsive again). Monitors
 * with timing `active` wait for the failover engine (resources are never active yet) and do
 * not run.
 */
import { isDeepStrictEqual } from 'node:util';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { monitoredServers, type ClusterConfig } from '../config/model';
// The real clock on purpose: this measures the real event loop's delays (a virtual clock has none).
import { monotonicNow } from '../time/clock';
import { registerComputed } from '../metrics';
import type { MonitorBoard } from '../monitors/monitor-board';

export const EVENT_LOOP_DELAY_METRIC = 'lifeline_event_loop_delay_seconds';

export interface UserModeMonitorSpec {
  name: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  initialWaitMs: number;
}

/** A user-mode monitor's check state (pure). */
export interface CheckState {
  failures: number;
  /** This monitor put itself in error and has not seen a passing check since. */
  raised: boolean;
}

export type CheckOutcome =
  | { action: 'none'; state: CheckState }
  | { action: 'raise'; state: CheckState; reason: string }
  | { action: 'clear'; state: CheckState; reason: string };

/** One check: the largest event-loop delay since the previous check against the monitor's limits. */
export function userwCheck(spec: UserModeMonitorSpec, state: CheckState, maxDelayMs: number): CheckOutcome {
  const delay = Math.round(maxDelayMs);
  if (maxDelayMs > spec.timeoutMs) {
    const failures = state.failures + 1;
    if (failures > spec.retries && !state.raised) {
      return {
        action: 'raise',
        state: { failures, raised: true },
        reason: `event loop blocked for ${delay} ms (limit ${spec.timeoutMs} ms, ${failures} failed check${failures === 1 ? '' : 's'} in a row)`,
      };
    }
    return { action: 'none', state: { failures, raised: state.raised } };
  }
  if (state.raised) {
    return {
      action: 'clear',
      state: { failures: 0, raised: false },
      reason: `event loop responsive again (largest delay ${delay} ms, limit ${spec.timeoutMs} ms)`,
    };
  }
  return { action: 'none', state: { failures: 0, raised: false } };
}

/** The user-mode monitors of `config` that run on `self` (timing `always`). */
export function userModeMonitors(config: ClusterConfig, self: string): UserModeMonitorSpec[] {
  return config.monitors
    .filter((m) => m.type === 'user-mode' && m.timing.mode === 'always' && monitoredServers(config, m).includes(self))
    .map((m) => ({
      name: m.name,
      intervalMs: m.intervalMs,
      timeoutMs: m.timeoutMs,
      retries: m.retries,
      initialWaitMs: m.initialWaitMs,
    }));
}

/** A tenth of the smallest monitor timeout, within 20..100 ms. */
export function probePeriod(monitors: UserModeMonitorSpec[]): number {
  const smallest = Math.min(1000, ...monitors.map((m) => m.timeoutMs));
  return Math.max(20, Math.min(100, Math.floor(smallest / 10)));
}

export interface EventLoopWatchOptions {
  registry: Registry;
  board: MonitorBoard;
  self: string;
  monitors: UserModeMonitorSpec[];
  probeMs?: number;
  windowMs?: number;
  windows?: number;
  onRaise?: (monitor: string, reason: string) => void;
}

interface RunningMonitor {
  spec: UserModeMonitorSpec;
  state: CheckState;
  maxMs: number;
  timer: NodeJS.Timeout | null;
}

const NS_PER_MS = 1e6;

interface WindowStats {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export class EventLoopWatch {
  private readonly probeMs: number;
  private readonly windowMs: number;
  private readonly ring: RecordableHistogram[];
  private current = 0;
  private windowStart = 0;
  private sumSeconds = 0;
  private count = 0;
  private last = 0;
  private probe: NodeJS.Timeout | null = null;
  private monitors: RunningMonitor[];
  private stats?: { count: number; value: WindowStats };

  constructor(private readonly options: EventLoopWatchOptions) {
    this.probeMs = options.probeMs ?? probePeriod(options.monitors);
    this.windowMs = options.windowMs ?? 5000;
    this.ring = Array.from({ length: options.windows ?? 6 }, () => createHistogram());
    this.monitors = options.monitors.map((spec) => ({
      spec,
      state: { failures: 0, raised: false },
      maxMs: 0,
      timer: null,
    }));
    this.register(options.registry);
  }

  start(): void {
    this.last = monotonicNow();
    this.windowStart = this.last;
    this.probe = setInterval(() => this.sample(), this.probeMs);
    this.probe.unref();
    for (const m of this.monitors) {
      this.schedule(m, m.spec.initialWaitMs + m.spec.intervalMs);
    }
  }

  /**
   * A new configuration revision: monitors whose settings did not change keep their state and
   * schedule; changed and new ones start over (after their initial wait), removed ones stop.
   * The probe period stays the one chosen at start.
   */
  setMonitors(specs: UserModeMonitorSpec[]): void {
    const kept = new Map(this.monitors.map((m) => [m.spec.name, m]));
    const next: RunningMonitor[] = [];
    for (const spec of specs) {
      const old = kept.get(spec.name);
      if (old && isDeepStrictEqual(old.spec, spec)) {
        next.push(old);
        kept.delete(spec.name);
        continue;
      }
      const m: RunningMonitor = { spec, state: { failures: 0, raised: false }, maxMs: 0, timer: null };
      next.push(m);
      if (this.probe) {
        this.schedule(m, spec.initialWaitMs + spec.intervalMs);
      }
    }
    for (const old of kept.values()) {
      if (old.timer) {
        clearTimeout(old.timer);
      }
    }
    this.monitors = next;
  }

  stop(): void {
    if (this.probe) {
      clearInterval(this.probe);
      this.probe = null;
    }
    for (const m of this.monitors) {
      if (m.timer) {
        clearTimeout(m.timer);
        m.timer = null;
      }
    }
  }

  /** Quantiles (ms) over the sliding window, for the status API and tests. */
  windowStats(): WindowStats {
    // Merging the ring's histograms is most of a scrape's cost; the result changes only
    // when a probe sample is recorded (the ring moves on only then too).
    if (this.stats?.count !== this.count) {
      this.stats = { count: this.count, value: this.computeWindowStats() };
    }
    return this.stats.value;
  }

  private computeWindowStats(): WindowStats {
    const merged = createHistogram();
    for (const h of this.ring) {
      merged.add(h);
    }
    const samples = merged.count;
    const ms = (ns: number) => (samples === 0 ? 0 : ns / NS_PER_MS);
    return { p50: ms(merged.percentile(50)), p99: ms(merged.percentile(99)), max: ms(merged.max), samples };
  }

  private sample(): void {
    const now = monotonicNow();
    const delayMs = Math.max(0, now - this.last - this.probeMs);
    this.last = now;
    this.record(delayMs, now);
  }

  private record(delayMs: number, now: number): void {
    if (now - this.windowStart >= this.windowMs) {
      const steps = Math.min(this.ring.length, Math.floor((now - this.windowStart) / this.windowMs));
      for (let i = 0; i < steps; i++) {
        this.current = (this.current + 1) % this.ring.length;
        this.ring[this.current].reset();
      }
      this.windowStart += Math.floor((now - this.windowStart) / this.windowMs) * this.windowMs;
    }
    // RecordableHistogram takes integers >= 1 (ns).
    this.ring[this.current].record(Math.max(1, Math.round(delayMs * NS_PER_MS)));
    this.sumSeconds += delayMs / 1000;
    this.count++;
    for (const m of this.monitors) {
      if (delayMs > m.maxMs) {
        m.maxMs = delayMs;
      }
    }
  }

  private schedule(m: RunningMonitor, delayMs: number): void {
    const due = monotonicNow() + delayMs;
    m.timer = setTimeout(() => this.check(m, due), delayMs);
    m.timer.unref();
  }

  private check(m: RunningMonitor, due: number): void {
    // The check timer is itself delayed by a stall the probe has not reported yet.
    const late = Math.max(0, monotonicNow() - due);
    const outcome = userwCheck(m.spec, m.state, Math.max(m.maxMs, late));
    m.state = outcome.state;
    m.maxMs = 0;
    if (outcome.action === 'raise') {
      // Not raised when the monitor is suspended (or already in error): nothing to clear later.
      m.state.raised = this.options.board.raiseError(m.spec.name, this.options.self, outcome.reason);
      if (m.state.raised) {
        this.options.onRaise?.(m.spec.name, outcome.reason);
      }
    } else if (outcome.action === 'clear') {
      const s = this.options.board.get(m.spec.name, this.options.self);
      if (s?.status === 'error') {
        this.options.board.clear(m.spec.name, this.options.self, outcome.reason);
      }
    }
    this.schedule(m, m.spec.intervalMs);
  }

  /** A summary metric whose values are computed at scrape time from the ring. */
  private register(registry: Registry): void {
    const name = EVENT_LOOP_DELAY_METRIC;
    const help =
      "Delay of the agent's main event loop (how late a periodic probe timer fired); quantiles over the last 30 s, 1 = maximum.";
    registerComputed(registry, {
      name,
      help,
      type: 'summary',
      samples: () => {
        const s = this.windowStats();
        return [
          ...(
            [
              ['0.5', s.p50],
              ['0.99', s.p99],
              ['1', s.max],
            ] as Array<[string, number]>
          ).map(([quantile, ms]) => ({ labels: { quantile }, value: ms / 1000 })),
          { metricName: `${name}_sum`, labels: {}, value: this.sumSeconds },
          { metricName: `${name}_count`, labels: {}, value: this.count },
        ];
      },
    });
  }
}
