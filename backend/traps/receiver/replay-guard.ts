/**
 * SNMPv3 replay protection that net-snmp's receiver lacks (it accepted one captured
 * trap replayed three times). Per (engine ID, user) it keeps the RFC 3414 timeliness
 * state (engine boots and the latest engine time, advanced by the local clock) and the
 * recent message IDs: a message whose boots went back, whose time is more than the
 * 150 s window behind, or whose message ID was already accepted is a replay.
 *
 * State is recorded only for messages that then pass authentication (`commit`), so a
 * forged packet cannot poison it. The number of engines remembered is bounded (least
 * recently used is forgotten), so a flood of invented engine IDs cannot grow memory.
 */
import { systemClock, type Clock } from '../../time/clock';
export const TIME_WINDOW_SECONDS = 150;

export type ReplayVerdict = 'ok' | 'replay' | 'outside-window';

export interface ReplayKey {
  engineId: string;
  userName: string;
  msgId: number;
  engineBoots: number;
  engineTime: number;
}

interface EngineState {
  boots: number;
  latestTime: number;
  /** Local monotonic ms when latestTime was received. */
  receivedAt: number;
  /** Recently accepted message IDs, oldest first (Map keeps insertion order). */
  msgIds: Map<number, true>;
}

export interface ReplayGuardOptions {
  maxEngines?: number;
  msgIdsPerEngine?: number;
  /** Engine-time estimates run on now() (default: systemClock). */
  clock?: Pick<Clock, 'now'>;
}

export class ReplayGuard {
  private readonly engines = new Map<string, EngineState>();
  private readonly maxEngines: number;
  private readonly msgIdsPerEngine: number;
  private readonly now: () => number;
  evictions = 0;

  constructor(options: ReplayGuardOptions = {}) {
    this.maxEngines = options.maxEngines ?? 1024;
    this.msgIdsPerEngine = options.msgIdsPerEngine ?? 4096;
    const clock = options.clock ?? systemClock;
    this.now = () => clock.now();
  }

  get size(): number {
    return this.engines.size;
  }

  check(k: ReplayKey): ReplayVerdict {
    const s = this.engines.get(`${k.engineId}/${k.userName}`);
    if (!s) {
      return 'ok';
    }
    if (k.engineBoots < s.boots) {
      return 'outside-window';
    }
    if (k.engineBoots === s.boots) {
      const estimatedNow = s.latestTime + (this.now() - s.receivedAt) / 1000;
      if (k.engineTime < estimatedNow - TIME_WINDOW_SECONDS) {
        return 'outside-window';
      }
      if (s.msgIds.has(k.msgId)) {
        return 'replay';
      }
    }
    return 'ok';
  }

  /** Records an authenticated message. */
  commit(k: ReplayKey): void {
    const key = `${k.engineId}/${k.userName}`;
    let s = this.engines.get(key);
    if (s) {
      this.engines.delete(key); // re-insert: most recently used last
    } else {
      s = { boots: k.engineBoots, latestTime: k.engineTime, receivedAt: this.now(), msgIds: new Map() };
    }
    if (k.engineBoots > s.boots || (k.engineBoots === s.boots && k.engineTime > s.latestTime)) {
      if (k.engineBoots > s.boots) {
        s.msgIds.clear(); // a reboot of the sender starts a new message ID space
      }
      s.boots = k.engineBoots;
      s.latestTime = k.engineTime;
      s.receivedAt = this.now();
    }
    s.msgIds.set(k.msgId, true);
    if (s.msgIds.size > this.msgIdsPerEngine) {
      s.msgIds.delete(s.msgIds.keys().next().value as number);
    }
    this.engines.set(key, s);
    if (this.engines.size > this.maxEngines) {
      this.engines.delete(this.engines.keys().next().value as string);
      this.evictions++;
    }
  }
}
