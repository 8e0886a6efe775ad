/**
 * One path: one peer on one LAN interconnect. It remembers when it was last heard, what to
 * echo back for round-trip measurement, its replay window and its RTT estimate. Whether it
 * is up is not stored but computed from the silence at the moment of asking, so there is no
 * state to drift out of date between timer wake-ups.
 */
import type { Echo } from './codec';
import { ReplayWindow } from './replay';
import { RttEstimator } from './rtt';
import type { Timing } from './timing';
import type { PathEvidence, PathSnapshot, PathState } from './types';

export class PathTracker {
  readonly window = new ReplayWindow();
  readonly rtt = new RttEstimator();
  lastHeardAt: number | null = null;
  /** The state last reported in a path event (see Membership.evaluate). */
  reported: PathState = 'pending';
  /** The peer's latest packet on this path, to echo in our next one. */
  private latest: { seq: number; sentAt: number; receivedAt: number } | null = null;
  /**
   * Our highest sequence that produced an RTT sample. The peer echoes the same packet
   * until it hears a newer one; one packet must give one sample, not one per echo.
   */
  private sampledSeq = 0;

  constructor(
    readonly interconnect: number,
    /** The peer's configured address on this interconnect: the expected source address. */
    readonly address: string
  ) {}

  /** Records an accepted heartbeat. */
  heard(now: number, seq: number, sentAt: number): void {
    this.lastHeardAt = now;
    this.latest = { seq, sentAt, receivedAt: now };
  }

  /** What to echo in a packet sent now, or null before the peer was heard. */
  echo(now: number): Echo | null {
    return this.latest && { seq: this.latest.seq, sentAt: this.latest.sentAt, delayMs: now - this.latest.receivedAt };
  }

  /**
   * Turns an echo of one of our packets into an RTT sample, or null. `ourSeq` is our
   * current sequence: an echo of a later one cannot be ours (a previous incarnation of this
   * agent, whose send times were on another time base). A result below zero or above the
   * timeout is a confused echo, not a measurement.
   */
  rttFromEcho(now: number, echo: Echo | null, ourSeq: number, timeoutMs: number): number | null {
    if (echo === null || echo.seq <= this.sampledSeq || echo.seq > ourSeq) {
      return null;
    }
    this.sampledSeq = echo.seq;
    const ms = now - echo.sentAt - echo.delayMs;
    if (!(ms >= 0 && ms <= timeoutMs)) {
      return null;
    }
    this.rtt.sample(ms);
    return ms;
  }

  /** The peer restarted: its sequence numbers start again, and its old packets mean nothing. */
  newIncarnation(): void {
    this.window.reset();
    this.latest = null;
  }

  /** Our own sequence started again (new incarnation): forget which of ours were sampled. */
  resetSampling(): void {
    this.sampledSeq = 0;
  }

  evidence(now: number, startedAt: number, timing: Timing): PathEvidence {
    const silenceMs = now - (this.lastHeardAt ?? startedAt);
    let state: PathState;
    if (silenceMs >= timing.timeoutMs) {
      state = 'down';
    } else {
      state = this.lastHeardAt === null ? 'pending' : 'up';
    }
    return {
      interconnect: this.interconnect,
      state,
      fresh: this.lastHeardAt !== null && silenceMs < timing.suspectAfterMs,
      lastHeardAt: this.lastHeardAt,
      silenceMs,
    };
  }

  snapshot(now: number, startedAt: number, timing: Timing): PathSnapshot {
    return { ...this.evidence(now, startedAt, timing), rttMs: this.rtt.smoothedMs, rttLastMs: this.rtt.lastMs };
  }

  /** When this path's state or freshness will next change if nothing more arrives. */
  nextDeadline(now: number, startedAt: number, timing: Timing): number | null {
    const ref = this.lastHeardAt ?? startedAt;
    for (const d of [ref + timing.suspectAfterMs, ref + timing.timeoutMs]) {
      if (d > now) {
        return d;
      }
    }
    return null;
  }
}
