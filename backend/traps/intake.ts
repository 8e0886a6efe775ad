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
import type { EventClass, EventLog } from '../events/event-log';
import type { MonitorBoard } from '../monitors/monitor-board';
import {
  classifyPet,
  decodePet,
  resolveClassificationRules,
  type DecodedPet,
  type PetClassification,
  type PetClassificationRules,
} from './pet';
import type { TrapMetrics } from './metrics';
import { varbindsForLog } from './receiver/normalize';
import type { ReceivedTrap } from './receiver/snmp-receiver';

interface Listener {
  monitor: MessageReceiveMonitor;
  rules: PetClassificationRules;
  servers: Set<string>;
}

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

  constructor(
    private readonly config: ClusterConfig,
    private readonly self: string,
    private readonly deps: { events: EventLog; board: MonitorBoard; metrics: TrapMetrics }
  ) {
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

  handle(trap: ReceivedTrap): void {
    const server = trap.bmcOf || this.self;
    const listeners = this.byEndpoint.get(`${trap.local.address}|${trap.local.port}`) ?? [];
    const pet = trap.pet ? decodePet(trap.pet) : undefined;
    const verdicts = pet ? listeners.map((l) => ({ l, c: classifyPet(pet, l.rules) })) : [];
    const base = pet ? classifyPet(pet) : undefined;
    const cls = verdicts.reduce<EventClass>(
      (acc, v) => (RANK[v.c.classification] > RANK[acc] ? v.c.classification : acc),
      base?.classification ?? 'informational'
    );
    const logged = this.deps.events.append({
      time: trap.receivedAt,
      server,
      type: 'trap',
      class: cls,
      source: `${trap.source.address}:${trap.source.port}`,
      monitor: listeners.map((l) => l.monitor.name).join(',') || undefined,
      summary: pet ? pet.description : `trap ${trap.trapOid} from ${trap.source.address}`,
      fields: eventFields(
        trap,
        pet,
        verdicts.length > 0 ? verdicts.map((v) => ({ monitor: v.l.monitor.name, ...v.c })) : base ? [base] : []
      ),
      raw: trap.raw.length <= 2048 ? trap.raw.toString('hex') : undefined,
      dedupeKey:
        pet?.data?.guid !== undefined && pet.data.sequence
          ? `pet|${pet.data.guid}|${pet.data.sequence}|${pet.specific}`
          : undefined,
      burstKey: burstKey(trap, pet),
    });
    if (logged.id === 0) {
      this.deps.metrics.eventLogDropped.inc();
    }
    // A resent PET is the same event: it must not raise a monitor that an operator cleared.
    if (pet && logged.repeat !== 'resend') {
      for (const { l, c } of verdicts) {
        this.apply(l, server, pet, c, logged.id);
      }
    }
    this.deps.metrics.trap(server, cls, pet ? pet.sensorTypeName : 'none');
    if (cls === 'fatal') {
      this.deps.metrics.lastFatal.labels(server).set(trap.receivedAt / 1000);
    }
    this.deps.metrics.processing.observe((performance.now() - trap.receivedMono) / 1000);
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
      time: Date.now(),
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

function eventFields(
  trap: ReceivedTrap,
  pet: DecodedPet | undefined,
  classification: unknown[]
): Record<string, unknown> {
  return {
    version: trap.version,
    inform: trap.inform,
    trapOid: trap.trapOid,
    local: `${trap.local.address}:${trap.local.port}`,
    community: trap.community !== undefined ? '(accepted)' : undefined,
    user: trap.user,
    pet,
    classification,
    varbinds: pet ? undefined : varbindsForLog(trap.varbinds),
  };
}

/** Identical events: same source, same event and same event data, whatever the sequence number. */
function burstKey(trap: ReceivedTrap, pet: DecodedPet | undefined): string {
  if (pet) {
    const d = pet.data;
    return `${trap.source.address}|${pet.specific}|${d?.severity ?? ''}|${d?.sensorNumber ?? ''}|${d?.eventData ?? ''}`;
  }
  return `${trap.source.address}|${trap.trapOid}|${JSON.stringify(varbindsForLog(trap.varbinds)).slice(0, 512)}`;
}
