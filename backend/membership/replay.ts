/**
 * Anti-replay for one path, as in IPsec (RFC 4303, 3.4.3): the highest sequence accepted
 * plus a bitmap of the 64 before it. A window rather than "strictly increasing" because
 * UDP may reorder, and a heartbeat that arrives late but once is genuine; a sequence seen
 * before is a replay (or a network duplicate), and one older than the window can no longer
 * be told apart from a replay and is refused as stale.
 *
 * The window is per path (peer x interconnect) because the sender numbers heartbeat
 * rounds, not packets: the same sequence legitimately arrives once on every interconnect.
 */

export const REPLAY_WINDOW = 64;

const MASK = (1n << BigInt(REPLAY_WINDOW)) - 1n;

export type SequenceVerdict = 'new' | 'replayed' | 'stale';

export class ReplayWindow {
  private highest = 0;
  /** Bit i set: sequence `highest - i` was accepted. */
  private seen = 0n;

  /** Judges `seq` without recording it. */
  check(seq: number): SequenceVerdict {
    if (seq > this.highest) {
      return 'new';
    }
    const age = this.highest - seq;
    if (age >= REPLAY_WINDOW) {
      return 'stale';
    }
    return this.seen & (1n << BigInt(age)) ? 'replayed' : 'new';
  }

  /** Judges `seq` and, when it is new, records it. */
  admit(seq: number): SequenceVerdict {
    if (seq > this.highest) {
      const shift = seq - this.highest;
      this.seen = shift >= REPLAY_WINDOW ? 1n : ((this.seen << BigInt(shift)) | 1n) & MASK;
      this.highest = seq;
      return 'new';
    }
    const age = this.highest - seq;
    if (age >= REPLAY_WINDOW) {
      return 'stale';
    }
    const bit = 1n << BigInt(age);
    if (this.seen & bit) {
      return 'replayed';
    }
    this.seen |= bit;
    return 'new';
  }

  /** A new incarnation of the sender starts its sequence again. */
  reset(): void {
    this.highest = 0;
    this.seen = 0n;
  }
}
