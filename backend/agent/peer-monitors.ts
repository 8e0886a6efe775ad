/**
 * Copies of the peers' own monitor rows, so that every agent answers for every (monitor,
 * server) the same way (monitors/cluster-rows.ts has the rule). Over the peers' HTTP API with
 * the peer token, never in heartbeats:
 *   - a change on this board is announced to every peer at once (POST /internal/monitors/changed
 *     with epoch and version, a few bytes); a peer that is behind fetches the rows;
 *   - every `pollMs` each peer is asked anyway (GET /internal/monitors with If-None-Match:
 *     usually a 304), which keeps `seenAt` current, catches lost announcements and restarted
 *     agents, and ages a silent peer's rows into `stale`.
 * At most one fetch and one announcement per peer are in flight; what comes meanwhile is
 * done once after it, with the latest state.
 */
import { EventEmitter } from 'node:events';
import type { MonitorBoard, MonitorState } from '../monitors/monitor-board';
import {
  isNewer,
  isStale,
  mergeMonitorRows,
  monitorSources,
  type ClusterMonitorRow,
  type MonitorSource,
  type PeerRows,
} from '../monitors/cluster-rows';

/** One server's own rows, as GET /internal/monitors answers them. */
export interface OwnRows {
  server: string;
  epoch: number;
  version: number;
  rows: MonitorState[];
}

export interface MonitorPeerTransport {
  /** undefined: no answer; 'unchanged': 304 to the tag of what is kept. */
  fetch(peer: string, etag: string | undefined): Promise<OwnRows | 'unchanged' | undefined>;
  announce(peer: string, own: { server: string; epoch: number; version: number }): Promise<void>;
}

export interface PeerMonitorsOptions {
  self: string;
  /** Every server of the running configuration (this one included), in configuration order. */
  servers: string[];
  board: MonitorBoard;
  transport: MonitorPeerTransport;
  pollMs: number;
  staleAfterMs: number;
  now?: () => number;
}

export const ownTag = (epoch: number, version: number) => `W/"${epoch}.${version}"`;

/** A peer's rows as this agent has them changed: new rows, or they went stale or fresh again. */
export interface PeerRowsChange {
  server: string;
  epoch: number;
  version: number;
  stale: boolean;
}

export class PeerMonitors extends EventEmitter<{ change: [PeerRowsChange] }> {
  private readonly kept = new Map<string, PeerRows>();
  /** Whether each peer's rows were stale when last looked at (to tell when that changes). */
  private readonly wasStale = new Map<string, boolean>();
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();
  private timer?: NodeJS.Timeout;
  private announcing = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: PeerMonitorsOptions) {
    super();
    this.now = o.now ?? Date.now;
  }

  private get peers(): string[] {
    return this.o.servers.filter((s) => s !== this.o.self);
  }

  start(): void {
    if (this.peers.length === 0) {
      return;
    }
    this.o.board.on('transition', this.onTransition);
    this.o.board.on('reshaped', this.onTransition);
    this.timer = setInterval(() => this.pollAll(), this.o.pollMs);
    this.timer.unref();
    this.pollAll();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.o.board.off('transition', this.onTransition);
    this.o.board.off('reshaped', this.onTransition);
  }

  own(): OwnRows {
    const { board, self } = this.o;
    return {
      server: self,
      epoch: board.epoch,
      version: board.version,
      rows: board.list().filter((r) => r.server === self),
    };
  }

  rows(): ClusterMonitorRow[] {
    const { board, self, staleAfterMs } = this.o;
    return mergeMonitorRows({
      self,
      local: board.list(),
      touched: (m, s) => board.touched(m, s),
      peers: this.kept,
      now: this.now(),
      staleAfterMs,
    });
  }

  sources(): MonitorSource[] {
    const { board, self, servers, staleAfterMs } = this.o;
    return monitorSources(self, servers, this.kept, this.now(), staleAfterMs, board);
  }

  /**
   * What the merged rows and the sources depend on, apart from ages: this board's changes,
   * each kept copy's board and version (copies are replaced only when those change), and
   * which peers are stale. Equal keys, equal state: GET /monitors answers a revalidation from
   * it without building 16,384 rows.
   */
  stateKey(): string {
    const { board, staleAfterMs } = this.o;
    const now = this.now();
    const peers = this.peers.map((p) => {
      const k = this.kept.get(p);
      return k ? `${p}:${k.epoch}.${k.version}${isStale(k, now, staleAfterMs) ? 's' : ''}` : `${p}:-`;
    });
    return `${board.epoch}.${board.version}|${peers.join('|')}`;
  }

  /** A peer announced a change: fetch its rows unless they are already kept. */
  changed(server: string, epoch: number, version: number): void {
    if (this.peers.includes(server) && isNewer(this.kept.get(server), epoch, version)) {
      void this.poll(server);
    }
  }

  private readonly onTransition = () => {
    // Transitions come in bursts (a clear of a monitor on every server): one announcement.
    if (!this.announcing) {
      this.announcing = true;
      setImmediate(() => {
        this.announcing = false;
        if (!this.stopped) {
          for (const peer of this.peers) {
            void this.announce(peer);
          }
        }
      });
    }
  };

  private readonly announcingTo = new Set<string>();
  private readonly announceAgain = new Set<string>();

  /** One announcement per peer in flight (a hung peer must not pile them up); then the latest. */
  private async announce(peer: string): Promise<void> {
    if (this.announcingTo.has(peer)) {
      this.announceAgain.add(peer);
      return;
    }
    this.announcingTo.add(peer);
    try {
      const { board, self } = this.o;
      await this.o.transport.announce(peer, { server: self, epoch: board.epoch, version: board.version });
    } finally {
      this.announcingTo.delete(peer);
      if (this.announceAgain.delete(peer) && !this.stopped) {
        void this.announce(peer);
      }
    }
  }

  private pollAll() {
    this.noticeStaleness();
    for (const peer of this.peers) {
      void this.poll(peer);
    }
  }

  /** Staleness comes with time, not with an answer: looked at every poll round (and after each answer). */
  private noticeStaleness(only?: string) {
    const now = this.now();
    for (const [server, k] of this.kept) {
      if (only !== undefined && server !== only) {
        continue;
      }
      const stale = isStale(k, now, this.o.staleAfterMs);
      if (this.wasStale.get(server) !== stale) {
        this.wasStale.set(server, stale);
        this.emit('change', { server, epoch: k.epoch, version: k.version, stale });
      }
    }
  }

  private async poll(peer: string): Promise<void> {
    if (this.inFlight.has(peer)) {
      this.again.add(peer);
      return;
    }
    this.inFlight.add(peer);
    try {
      const kept = this.kept.get(peer);
      const answer = await this.o.transport.fetch(peer, kept && ownTag(kept.epoch, kept.version));
      if (this.stopped || answer === undefined) {
        return;
      }
      const seenAt = this.now();
      if (answer === 'unchanged') {
        if (kept) {
          kept.seenAt = seenAt;
        }
      } else if (answer.server === peer && isNewer(kept, answer.epoch, answer.version)) {
        // Only its own rows: a server is the authority for what runs on it, nothing else.
        const rows = answer.rows.filter((r) => r.server === peer);
        this.kept.set(peer, { server: peer, epoch: answer.epoch, version: answer.version, rows, seenAt });
        this.wasStale.set(peer, false);
        this.emit('change', { server: peer, epoch: answer.epoch, version: answer.version, stale: false });
      } else if (kept && answer.epoch === kept.epoch) {
        kept.seenAt = seenAt;
      }
    } finally {
      if (!this.stopped) {
        this.noticeStaleness(peer);
      }
      this.inFlight.delete(peer);
      if (this.again.delete(peer) && !this.stopped) {
        void this.poll(peer);
      }
    }
  }
}
