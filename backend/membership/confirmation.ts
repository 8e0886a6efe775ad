/**
 * Confirmed announcements: this server knows that every peer it hears has received what it
 * now announces (the groups it holds and their claims).
 *
 * Why: a server that starts a group announces it (`starting`) in its heartbeats. If the
 * network is cut between that announcement and its arrival, the other side never learns of
 * the start, and when it wins the partition resolution it starts the group too, while the
 * starting server (which has not yet noticed the cut) runs its start scripts: the group runs
 * twice (simulation seed 6287). So a start runs no resource until every peer heard at the
 * time has confirmed the announcement. Once confirmed, a cut can no longer hide it: the
 * winners count this server as a holder and wait for its fence or watchdog deadline.
 *
 * How: every heartbeat echoes the last round its sender received from us (rtt.ts). A peer
 * has confirmed announcement N once it echoes a round at or after the first one that carried
 * N. The echo is checked against the send time we recorded for that round, so an echo of a
 * previous run of this agent (same sequence numbers, other times) never confirms anything.
 * Peers answer a changed announcement at once (membership.ts), so a confirmation takes one
 * round trip, not an interval.
 *
 * A peer that says it does not hear us (one-way loss) is not waited for: it cannot confirm,
 * and the partition guard judges it as it judges a silent peer.
 *
 * A peer heard when the announcement was made must confirm it: one that falls silent instead
 * never does, and the start fails (it cannot be told from a cut). Confirming a newer
 * announcement covers the older ones, as long as it waits for the same peers: when a peer an
 * unconfirmed announcement waits for is no longer heard, that announcement (and every older
 * one) is abandoned, its waiters fail at once, and the newer one waits for the peers heard now.
 */
import type { Echo } from './codec';
import type { Clock, Timer } from '../time/clock';

/** Rounds whose send time is remembered: echoes older than this confirm nothing. */
const SENT_ROUNDS = 256;

export interface AnnouncementState {
  /** The newest announcement (ids are given by the caller, increasing). */
  id: number;
  /** The newest announcement every peer it waits for has confirmed. */
  confirmedId: number;
  /** Peers the newest announcement still waits for. */
  unconfirmed: string[];
  /** Announcements up to this id will never be confirmed: a peer they waited for fell silent. */
  abandonedId: number;
  /** The peers that fell silent. */
  abandonedFor: string[];
}

export class Announcements {
  private readonly sentAt = new Map<number, number>();
  private readonly acked = new Map<string, number>();
  private newest = 0;
  private confirmedId = 0;
  /** First round that carries the newest change of groups or claims. */
  private seq = 0;
  private waitingFor = new Set<string>();
  private abandonedId = 0;
  private abandonedFor: string[] = [];
  /** An abandonment check() has not reported yet. */
  private abandonedNews = false;

  /** The newest announcement's id. */
  get id(): number {
    return this.newest;
  }

  /** A round was sent with sequence `seq` at `at` (our clock). */
  sent(seq: number, at: number): void {
    this.sentAt.set(seq, at);
    this.sentAt.delete(seq - SENT_ROUNDS);
  }

  /** Our sequence numbers start again (a new incarnation): old echoes mean nothing now. */
  restarted(): void {
    this.sentAt.clear();
    this.acked.clear();
    if (this.confirmedId < this.newest) {
      this.seq = 1;
    }
  }

  /** A peer echoed one of our rounds. */
  echoed(peer: string, echo: Echo | null): void {
    if (echo !== null && this.sentAt.get(echo.seq) === echo.sentAt && echo.seq > (this.acked.get(peer) ?? 0)) {
      this.acked.set(peer, echo.seq);
    }
  }

  /**
   * A new announcement. `changed`: its groups or claims differ from the previous one (else
   * it is confirmed with it). `nextSeq`: the round that will carry it. `heard`: the peers
   * heard now.
   */
  announce(id: number, changed: boolean, nextSeq: number, heard: string[]): void {
    const lost = this.confirmedId < this.newest ? [...this.waitingFor].filter((p) => !heard.includes(p)) : [];
    if (lost.length > 0) {
      this.abandonedId = this.newest;
      this.abandonedFor = lost.sort();
      this.abandonedNews = true;
    }
    this.newest = Math.max(this.newest, id);
    if (changed || lost.length > 0) {
      this.waitingFor = new Set(heard);
    }
    if (changed) {
      this.seq = nextSeq;
    }
  }

  /**
   * Checks the newest announcement (called for every heartbeat received: O(1) once it is
   * confirmed); true when it has just become confirmed or an older one was abandoned.
   */
  check(): boolean {
    const news = this.abandonedNews;
    this.abandonedNews = false;
    if (this.confirmedId >= this.newest || this.unconfirmed().length > 0) {
      return news;
    }
    this.confirmedId = this.newest;
    this.waitingFor.clear();
    return true;
  }

  state(): AnnouncementState {
    return {
      id: this.newest,
      confirmedId: this.confirmedId,
      unconfirmed: this.unconfirmed(),
      abandonedId: this.abandonedId,
      abandonedFor: [...this.abandonedFor],
    };
  }

  private unconfirmed(): string[] {
    if (this.confirmedId >= this.newest) {
      return [];
    }
    return [...this.waitingFor].filter((p) => (this.acked.get(p) ?? 0) < this.seq).sort();
  }
}

/** [] when announcement `id` is confirmed, the silent peers when it was abandoned, else null. */
function answerFor(state: AnnouncementState, id: number): string[] | null {
  if (id <= state.abandonedId) {
    return state.abandonedFor;
  }
  return state.confirmedId >= id ? [] : null;
}

/**
 * Waiters for a confirmation, for whoever reads the membership's state from outside (the
 * agent's main thread, the simulation): `update` with every new state, `wait` for an id.
 */
export class ConfirmationWaiters {
  private latest: AnnouncementState = { id: 0, confirmedId: 0, unconfirmed: [], abandonedId: 0, abandonedFor: [] };
  private waiters: Array<{ id: number; done: (unconfirmed: string[]) => void }> = [];

  constructor(private readonly clock: Pick<Clock, 'setTimer'>) {}

  update(state: AnnouncementState): void {
    this.latest = state;
    this.waiters = this.waiters.filter((w) => {
      const answer = answerFor(state, w.id);
      if (answer !== null) {
        w.done(answer);
        return false;
      }
      return true;
    });
  }

  /**
   * Resolves with [] once announcement `id` (or a later one) is confirmed, or after
   * `timeoutMs` with the peers that had not confirmed it. Never rejects.
   */
  wait(id: number, timeoutMs: number): Promise<string[]> {
    const answer = answerFor(this.latest, id);
    if (answer !== null) {
      return Promise.resolve(answer);
    }
    return new Promise((resolve) => {
      let timer: Timer | null = null;
      const waiter = {
        id,
        done: (unconfirmed: string[]) => {
          timer?.cancel();
          resolve(unconfirmed);
        },
      };
      this.waiters.push(waiter);
      timer = this.clock.setTimer(timeoutMs, () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const missing = this.latest.unconfirmed;
        resolve(missing.length > 0 ? missing : ['(no confirmation received)']);
      });
    });
  }

  /** Ends every wait with `reason` (heartbeats stopped). */
  fail(reason: string): void {
    for (const w of this.waiters) {
      w.done([reason]);
    }
    this.waiters = [];
  }
}

/**
 * The start gate of LocalGroups.setStartGate over a membership's confirmations: a start goes
 * on once its announcement is confirmed, and fails (nothing run) when a peer heard does not
 * confirm it within the heartbeat timeout.
 */
export function confirmedStartGate(
  whenAnnounced: (timeoutMs: number) => Promise<string[]>,
  timeoutMs: () => number
): (group: string) => Promise<string | null> {
  return async (group) => {
    const ms = timeoutMs();
    const missing = await whenAnnounced(ms);
    return missing.length === 0
      ? null
      : `${missing.join(', ')} did not confirm within ${ms} ms that ${missing.length > 1 ? 'they know' : 'it knows'} group ${group} is starting here (cut off?); no resource was started`;
  };
}
