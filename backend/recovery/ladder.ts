/**
 * The recovery ladder of a monitor: when it goes into error, first restart the target in
 * place (restartThreshold times), then fail it over (failoverThreshold times), then the
 * final action. Counts are kept per monitor and server and start again from the bottom
 * once the monitor is back to normal: a monitor that errs once a month should fail over
 * every time, not exhaust its ladder over a year. Pure: the agent asks, then acts.
 */
import type { ClusterConfig } from '../config/model';

type Recovery = ClusterConfig['monitors'][number]['recovery'];

export type RecoveryStep =
  | { kind: 'restart'; attempt: number }
  | { kind: 'failover'; attempt: number }
  | { kind: 'final'; action: Recovery['finalAction'] };

export class RecoveryLadder {
  private readonly counts = new Map<string, { restarts: number; failovers: number }>();

  /** The step for this error, counted as taken. */
  next(monitor: string, server: string, recovery: Recovery): RecoveryStep {
    const key = `${monitor}\u0000${server}`;
    const c = this.counts.get(key) ?? { restarts: 0, failovers: 0 };
    this.counts.set(key, c);
    if (c.restarts < recovery.restartThreshold) {
      c.restarts++;
      return { kind: 'restart', attempt: c.restarts };
    }
    if (c.failovers < recovery.failoverThreshold) {
      c.failovers++;
      return { kind: 'failover', attempt: c.failovers };
    }
    return { kind: 'final', action: recovery.finalAction };
  }

  /** The monitor is normal again on that server: its next error starts from the bottom. */
  reset(monitor: string, server: string): void {
    this.counts.delete(`${monitor}\u0000${server}`);
  }
}
