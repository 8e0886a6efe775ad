/**
 * An agent's incarnation: a 64-bit number chosen at each start, which receivers require to
 * increase from one start to the next (an older one is a replay, see admission.ts). Wall-clock
 * milliseconds in the high bits give the increase across restarts; 16 random low bits keep
 * two starts within the same millisecond (a crash loop) apart.
 *
 * The one assumption: the wall clock does not go backwards across a restart. If it does (a
 * server booting with a wrong RTC before NTP), peers refuse the restarted agent as
 * `old_incarnation` until its clock passes the old start time. An agent with a state
 * directory can remove the assumption by persisting the last incarnation and passing
 * `max(persisted + 1, newIncarnation())`.
 */
import { randomInt } from 'node:crypto';

export function newIncarnation(wallMs: number = Date.now()): bigint {
  return (BigInt(Math.floor(wallMs)) << 16n) | BigInt(randomInt(0x10000));
}
