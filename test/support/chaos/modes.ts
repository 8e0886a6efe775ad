/**
 * How the chaos rounds' cluster protects itself (CHAOS_MODE): `fencing` (BMC power-off, the
 * default), `watchdog` (contract B of issue 9) or `none` (neither: silent peers are never
 * taken over, so takeovers only come with the heal).
 */
import type { RigConfigOptions } from './config';

export type ChaosMode = 'fencing' | 'watchdog' | 'none';

export function chaosMode(value = process.env.CHAOS_MODE ?? 'fencing'): ChaosMode {
  if (value !== 'fencing' && value !== 'watchdog' && value !== 'none') {
    throw new Error(`CHAOS_MODE must be fencing, watchdog or none, not "${value}"`);
  }
  return value;
}

export function modeOptions(mode: ChaosMode): Partial<RigConfigOptions> {
  return mode === 'fencing' ? { fencing: true } : mode === 'watchdog' ? { watchdog: { timeoutMs: 2000 } } : {};
}
