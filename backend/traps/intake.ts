/**
 * From an accepted trap to what it means: decode the PET, classify it with the rules of
 * each message-receive monitor listening where it arrived, move those monitors (fatal ->
 * error and a recovery request; recoverable -> warning; a matching deassertion may clear),
 * log the event (folding resends and bursts), and count it. Also the entry point of
 * external notifications (`lifeline notify`), the product's remote-notice equivalent.
 */
import {
  BMCNOTICE,
  monitoredServers,
  trapEndpoint,
  type ClusterConfig,
  type MessageReceiveMonitor,
} from '../config/model';
import type { EventClass, EventLog, NewEvent } from '../events/event-log';
import type { MonitorBoard } from '../monitors/monitor-board';
import {
  classifyPet,
  decodePet,
  resolveClassificationRules,
  type DecodedPet,
  type PetClassification,
  type PetClassificationRules,
} from './pet';
import { systemClock, type Clock } from '../time/clock';
import type { TrapMetrics } from './metrics';
import { varbindsForLog } from './receiver/normalize';
import type { ReceivedTrap } from './receiver/snmp-receiver';

interface Listener {
  monitor: MessageReceiveMonitor;
  rules: PetClassificationRules;
  servers: Set<string>;
}

interface Meaning {
  pet?: DecodedPet;
  verdicts: Array<{ l: Listener; c: PetClassification }>;
  base?: PetClassification;
  cls: EventClass;
}

const NONE: Listener[] = [];

const RANK: Record<EventClass, number> = { informational: 0, recoverable: 1, fatal: 2 };

export interface Notification {
  category: string;
  keyword?: string;
  message?: string;
  server?: string;
  source: string;
}

export class TrapIntake {
  /** BMCNOTICE monitors by the local endpoint ("address|port") they receive on. */
  private readonly byEndpoint = new Map<string, Listener[]>();
  private readonly all: Listener[] = [];
  private readonly clock: Clock;

  constructor(
    private readonly config: ClusterConfig,
    private readonly self: string,
    /** clock: the receiver's (trap.receivedMono is on its now()); default systemClock. */
    private readonly deps: { events: EventLog; board: MonitorBoard; metrics: TrapMetrics; clock?: Clock }
  ) {
    this.clock = deps.clock ?? systemClock;
    for (const m of config.monitors) {
      if (m.type !== 'message-receive') {
        continue;
      }
      const listener: Listener = {
        monitor: m,
        rules: resolveClassificationRules(m.pet),
        servers: new Set(monitoredServers(config, m)),
      };
      this.all.push(listener);
      const ep = m.category === BMCNOTICE && listener.servers.has(self) ? trapEndpoint(m, self) : undefined;
      if (ep) {
        const key = `${ep.address}|${ep.port}`;
        this.byEndpoint.set(key, [...(this.byEndpoint.get(key) ?? []), listener]);
      }
    }
  }

  /** The distinct local endpoints this server must receive traps on. */
  endpoints(): Array<{ address: string; port: number }> {
    return [...this.byEndpoint.keys()].map((k) => {
      const [address, port] = k.split('|');
      return { address, port: Number(port) };
    });
  }

  /** What a trap means, kept per burst key so that repeats skip decoding (bounded). */
  private readonly meanings = new Map<string, Meaning>();

  handle(trap: ReceivedTrap): void {
    const server = trap.bmcOf || this.self;
    const listeners = this.byEndpoint.get(`${trap.local.address}|${trap.local.port}`) ?? NONE;
    const keys = eventKeys(trap);
    let meaning = this.meanings.get(keys.burstKey);
    const logged = this.deps.events.appendWith(keys, () => {
      // A new event: its fields show this very packet's decoded PET.
      const own = this.understand(trap, listeners, keys.burstKey);
      meaning ??= own;
      return this.eventFor(trap, server, listeners, own);
    });
    meaning ??= this.understand(trap, listeners, keys.burstKey);
    // A resent PET is the same event: it must not raise a monitor that an operator cleared.
    if (meaning.pet && logged.repeat !== 'resend') {
      for (const { l, c } of meaning.verdicts) {
        this.apply(l, server, meaning.pet, c, logged.id);
      }
    }
    this.deps.metrics.trap(server, meaning.cls, meaning.pet ? meaning.pet.sensorTypeName : 'none');
    if (meaning.cls === 'fatal') {
      this.deps.metrics.fatal(server, trap.receivedAt);
    }
    this.deps.metrics.processing.observe((this.clock.now() - trap.receivedMono) / 1000);
  }

  /** Decodes and classifies (once per distinct event: repeats reuse it). */
  private understand(trap: ReceivedTrap, listeners: Listener[], burstKey: string): Meaning {
    const pet = trap.pet ? decodePet(trap.pet) : undefined;
    const verdicts = pet ? listeners.map((l) => ({ l, c: classifyPet(pet, l.rules) })) : [];
    const base = pet && verdicts.length === 0 ? classifyPet(pet) : undefined;
    // The listening monitors' rules decide; the defaults only when no monitor listens there.
    const cls =
      verdicts.length > 0
        ? verdicts.reduce<EventClass>(
            (acc, v) => (RANK[v.c.classification] > RANK[acc] ? v.c.classification : acc),
            'informational'
          )
        : (base?.classification ?? 'informational');
    const meaning: Meaning = { pet, verdicts, base, cls };
    if (this.meanings.size >= 10_000) {
      this.meanings.clear();
    }
    this.meanings.set(burstKey, meaning);
    return meaning;
  }

  private eventFor(trap: ReceivedTrap, server: string, listeners: Listener[], m: Meaning): NewEvent {
    const classification =
      m.verdicts.length > 0
        ? m.verdicts.map((v) => ({ monitor: v.l.monitor.name, classification: v.c.classification, reason: v.c.reason }))
        : m.base
          ? [{ classification: m.base.classification, reason: m.base.reason }]
          : [];
    return {
      time: trap.receivedAt,
      server,
      type: 'trap',
      class: m.cls,
      source: `${trap.source.address}:${trap.source.port}`,
      monitor: listeners.map((l) => l.monitor.name).join(',') || undefined,
      summary: m.pet ? m.pet.description : `trap ${trap.trapOid} from ${trap.source.address}`,
      fields: eventFields(trap, classification),
      raw: trap.raw.length <= 2048 ? trap.raw.toString('hex') : undefined,
    };
  }

  private apply(l: Listener, server: string, pet: DecodedPet, c: PetClassification, eventId: number) {
    const board = this.deps.board;
    const name = l.monitor.name;
    if (!l.servers.has(server)) {
      return;
    }
    const cause = { sensorType: pet.sensorType, eventType: pet.eventType, offset: pet.offset, eventId };
    if (c.classification === 'fatal') {
      board.raiseError(name, server, c.reason, cause);
    } else if (c.classification === 'recoverable') {
      board.raiseWarning(name, server, c.reason, cause);
    } else if (pet.direction === 'deassertion' && l.monitor.pet.clearOnDeassertion) {
      const state = board.get(name, server);
      const k = state?.cause;
      if (state && k && k.sensorType === pet.sensorType && k.eventType === pet.eventType && k.offset === pet.offset) {
        board.clear(name, server, `cleared by deassertion: ${pet.description}`);
      }
    }
  }

  /**
   * An external notification: every message-receive monitor with this category (and,
   * when given, this keyword) goes into error on the named server (default: this one).
   * Returns the monitors that matched.
   */
  notify(n: Notification): string[] {
    const server = n.server ?? this.self;
    const matched = this.all.filter(
      (l) =>
        l.monitor.category === n.category &&
        l.servers.has(server) &&
        (n.keyword === undefined || keywordOf(l.monitor, server) === n.keyword)
    );
    const summary = `notification ${n.category}${n.keyword !== undefined ? `/${n.keyword}` : ''}${n.message ? `: ${n.message}` : ''}`;
    const logged = this.deps.events.append({
      time: this.clock.wallNow(),
      server,
      type: 'notify',
      class: matched.length > 0 ? 'fatal' : 'informational',
      source: n.source,
      monitor: matched.map((l) => l.monitor.name).join(',') || undefined,
      summary,
      fields: { category: n.category, keyword: n.keyword, message: n.message },
    });
    for (const l of matched) {
      this.deps.board.raiseError(l.monitor.name, server, summary, { eventId: logged.id });
    }
    return matched.map((l) => l.monitor.name);
  }
}

function keywordOf(m: MessageReceiveMonitor, server: string): string | undefined {
  return m.perServer[server]?.keyword ?? m.keyword;
}

/**
 * What is stored of a trap: compact (a storm of distinct events must not be slowed by the
 * disk), and enough to show everything: the PET is kept as its raw data varbind and decoded
 * again when read (see event-view.ts), since the decoder is pure and deterministic.
 */
function eventFields(trap: ReceivedTrap, classification: unknown[]): Record<string, unknown> {
  return {
    version: trap.version,
    inform: trap.inform || undefined,
    trapOid: trap.trapOid,
    local: `${trap.local.address}:${trap.local.port}`,
    user: trap.user,
    pet: trap.pet ? { specific: trap.pet.specific, data: trap.pet.data?.toString('hex') } : undefined,
    classification,
    varbinds: trap.pet ? undefined : varbindsForLog(trap.varbinds),
  };
}

/**
 * Keys that fold repeats, computed from the raw bytes without decoding. Resend: the same
 * PET again (GUID and sequence, PET bytes 0-17). Burst: the same event from the same
 * source whatever its sequence number and timestamp (PET bytes 16-21 left out).
 */
function eventKeys(trap: ReceivedTrap): { time: number; dedupeKey?: string; burstKey: string } {
  const pet = trap.pet;
  if (pet) {
    const d = pet.data;
    const hasId = d !== undefined && d.length >= 18 && d.readUInt16BE(16) !== 0;
    return {
      time: trap.receivedAt,
      dedupeKey: hasId ? `${pet.specific}|${d!.toString('latin1', 0, 18)}` : undefined,
      burstKey: `${trap.source.address}|${pet.specific}|${d ? d.toString('latin1', 0, Math.min(16, d.length)) + d.toString('latin1', 22) : ''}`,
    };
  }
  return {
    time: trap.receivedAt,
    burstKey: `${trap.source.address}|${trap.trapOid}|${JSON.stringify(varbindsForLog(trap.varbinds)).slice(0, 512)}`,
  };
}
