/**
 * Everything this server knows about one peer: its incarnation, its paths, the summary it
 * last sent, the latest BMC reading, and the state last reported (to detect transitions).
 */
import { PathTracker } from './path';
import { bmcEvidence, classifyServer } from './server-state';
import type { Timing } from './timing';
import type { PeerInfo } from './topology';
import type { BmcReport, Evidence, PeerSnapshot, PeerSummary, ServerState } from './types';

export class Peer {
  readonly name: string;
  readonly bmcConfigured: boolean;
  /** Indexed by interconnect index; only LAN interconnects have a path. */
  readonly paths = new Map<number, PathTracker>();
  incarnation: bigint | null = null;
  /** The highest sequence accepted from the current incarnation, on any path, and when. */
  newest: { seq: number; at: number } | null = null;
  summary: PeerSummary | null = null;
  bmc: BmcReport | null = null;
  state: ServerState = 'suspect';
  since: number;

  constructor(info: PeerInfo, startedAt: number) {
    this.name = info.name;
    this.bmcConfigured = info.bmcConfigured;
    this.since = startedAt;
  }

  lastHeardAt(): number | null {
    let last: number | null = null;
    for (const p of this.paths.values()) {
      if (p.lastHeardAt !== null && (last === null || p.lastHeardAt > last)) {
        last = p.lastHeardAt;
      }
    }
    return last;
  }

  classify(now: number, startedAt: number, timing: Timing): { state: ServerState; evidence: Evidence } {
    const paths = [...this.paths.values()].map((p) => p.evidence(now, startedAt, timing));
    return classifyServer(paths, bmcEvidence(this.bmcConfigured, this.bmc, this.lastHeardAt(), now, timing), timing);
  }

  /** When the classification could next change with no new input (a path or BMC deadline). */
  nextDeadline(now: number, startedAt: number, timing: Timing): number | null {
    let next: number | null = null;
    const consider = (d: number | null) => {
      if (d !== null && d > now && (next === null || d < next)) {
        next = d;
      }
    };
    for (const p of this.paths.values()) {
      consider(p.nextDeadline(now, startedAt, timing));
    }
    if (this.bmc) {
      consider(this.bmc.at + timing.bmcMaxAgeMs);
    }
    return next;
  }

  snapshot(now: number, startedAt: number, timing: Timing): PeerSnapshot {
    const paths = [...this.paths.values()].map((p) => p.snapshot(now, startedAt, timing));
    return {
      server: this.name,
      state: this.state,
      since: this.since,
      degraded: (this.state === 'online' || this.state === 'suspect') && paths.some((p) => p.state === 'down'),
      incarnation: this.incarnation === null ? null : this.incarnation.toString(),
      paths,
      bmc: bmcEvidence(this.bmcConfigured, this.bmc, this.lastHeardAt(), now, timing),
      summary: this.summary,
    };
  }
}
