/**
 * The timing parameters of failure detection, derived from `cluster.heartbeat` with two
 * values the configuration does not (yet) have, defaulted from it.
 */
import type { ClusterConfig } from '../config/model';

export interface Timing {
  /** How often a heartbeat is sent on every path. */
  intervalMs: number;
  /** Silence after which a path is down (and, on every path, the server is down). */
  timeoutMs: number;
  /**
   * Silence on every path after which a server is `suspect`. Default: half the timeout but
   * at least 1.5 intervals, so that one lost or late heartbeat does not flap a server to
   * suspect when the timeout is the minimum the schema allows (2 intervals).
   */
  suspectAfterMs: number;
  /**
   * How old a BMC reading may be and still count as current. Default: 3 timeouts, so a
   * BMC checker polling once per timeout may miss two polls before the evidence expires.
   */
  bmcMaxAgeMs: number;
}

export type TimingOverrides = Partial<Pick<Timing, 'suspectAfterMs' | 'bmcMaxAgeMs'>>;

export function timingFor(config: ClusterConfig, overrides: TimingOverrides = {}): Timing {
  const { intervalMs, timeoutMs } = config.cluster.heartbeat;
  const suspectAfterMs = overrides.suspectAfterMs ?? Math.min(timeoutMs, Math.max(timeoutMs / 2, 1.5 * intervalMs));
  const bmcMaxAgeMs = overrides.bmcMaxAgeMs ?? 3 * timeoutMs;
  if (!(suspectAfterMs > 0 && suspectAfterMs <= timeoutMs)) {
    throw new RangeError(`suspectAfterMs must be in (0, timeoutMs = ${timeoutMs}], got ${suspectAfterMs}`);
  }
  if (!(bmcMaxAgeMs > 0)) {
    throw new RangeError(`bmcMaxAgeMs must be positive, got ${bmcMaxAgeMs}`);
  }
  return { intervalMs, timeoutMs, suspectAfterMs, bmcMaxAgeMs };
}
