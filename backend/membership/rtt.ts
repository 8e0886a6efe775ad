/**
 * Round-trip time of one path, measured by echo (as NTP does): A stamps its packet with its
 * own send time; B echoes that stamp in its next packet to A, with how long it held it. A
 * then computes `now - stamp - held`. Neither side compares its clock with the other's, so
 * clock offsets do not matter, and the hold time (up to one interval, because B echoes in
 * its next scheduled heartbeat) is taken out.
 *
 * The smoothed value uses TCP's gain of 1/8 (RFC 6298): steady enough for a status page,
 * and the raw samples go to the histogram metric anyway.
 */

export const RTT_GAIN = 1 / 8;

export class RttEstimator {
  smoothedMs: number | null = null;
  lastMs: number | null = null;

  sample(ms: number): void {
    this.lastMs = ms;
    this.smoothedMs = this.smoothedMs === null ? ms : this.smoothedMs + (ms - this.smoothedMs) * RTT_GAIN;
  }
}
