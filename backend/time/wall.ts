/**
 * Conversions between the monotonic clock (`Clock.now()`, on which membership keeps its
 * times) and wall-clock epoch milliseconds (what people read, and what a BMC reading
 * carries). Both readings are taken together, so the offset is the current one.
 */
import { monotonicNow } from './clock';

/** Converts a time on the monotonic clock to wall-clock epoch milliseconds, for display. */
export function toWallTime(monotonicMs: number, nowMonotonic = monotonicNow(), nowWall = Date.now()): number {
  return nowWall - (nowMonotonic - monotonicMs);
}

/** Converts wall-clock epoch milliseconds (e.g. when a BMC reading was taken) to the monotonic clock. */
export function fromWallTime(wallMs: number, nowMonotonic = monotonicNow(), nowWall = Date.now()): number {
  return nowMonotonic - (nowWall - wallMs);
}
