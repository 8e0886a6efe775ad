/**
 * A simulated cluster: N servers running the real membership core on a SimNetwork with a
 * VirtualClock, recording every event each server emits.
 */
import { validateConfig, type ClusterConfig } from '../../../../backend/config/model';
import {
  Membership,
  type MembershipEvent,
  type PeerSnapshot,
  type ServerState,
  type TransitionEvent,
} from '../../../../backend/membership';
import { SimNetwork } from '../../../../backend/sim/network';
import { prng } from '../../../support/prng';
import { VirtualClock } from './virtual-clock';

export const SECRET = 'correct horse battery staple';

export interface SimConfigOptions {
  servers?: number;
  lan?: number;
  intervalMs?: number;
  timeoutMs?: number;
  /** Servers (1-based) without a `bmc` section; the others have one. */
  withoutBmc?: number[];
  groups?: string[];
}

/** A validated configuration: server1..N, `lan` LAN interconnects on 10.<k>.0.<i>, one BMC route. */
export function simConfig(o: SimConfigOptions = {}): ClusterConfig {
  const n = o.servers ?? 3;
  const names = Array.from({ length: n }, (_, i) => `server${i + 1}`);
  const without = new Set(o.withoutBmc ?? []);
  const data = {
    cluster: {
      name: 'sim',
      heartbeat: { intervalMs: o.intervalMs ?? 100, timeoutMs: o.timeoutMs ?? 500 },
      secret: { env: 'LIFELINE_SECRET' },
    },
    servers: names.map((name, i) => ({
      name,
      api: { address: `10.9.0.${i + 1}` },
      ...(without.has(i + 1) ? {} : { bmc: { address: `10.8.0.${i + 1}`, user: 'admin', password: { env: 'BMC' } } }),
    })),
    interconnects: [
      ...Array.from({ length: o.lan ?? 2 }, (_, k) => ({
        type: 'lan',
        addresses: Object.fromEntries(names.map((s, i) => [s, `10.${k}.0.${i + 1}`])),
      })),
      ...(without.size === 0
        ? [{ type: 'bmc', addresses: Object.fromEntries(names.map((s, i) => [s, `10.8.0.${i + 1}`])) }]
        : []),
    ],
    fencing: { action: 'none' },
    groups: (o.groups ?? []).map((g) => ({
      name: g,
      resources: [{ name: `${g}-app`, type: 'exec', start: 'true', stop: 'true' }],
    })),
  };
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

export interface Recorded {
  observer: string;
  event: MembershipEvent;
}

export interface SimClusterOptions extends SimConfigOptions {
  seed?: number;
  /** Override the configuration a given server runs (e.g. a different group list). */
  configFor?: (server: string, base: ClusterConfig) => ClusterConfig;
  secretFor?: (server: string) => string;
}

export class SimCluster {
  readonly clock = new VirtualClock();
  readonly config: ClusterConfig;
  readonly net: SimNetwork;
  readonly rand: () => number;
  readonly cores = new Map<string, Membership>();
  readonly events: Recorded[] = [];
  private incarnations = 0;

  constructor(private readonly options: SimClusterOptions = {}) {
    this.config = simConfig(options);
    this.rand = prng(options.seed ?? 1);
    this.net = new SimNetwork(this.clock, this.config, this.rand);
  }

  get names(): string[] {
    return this.config.servers.map((s) => s.name);
  }

  /** Creates and starts the core of `server` with a fresh, higher incarnation. */
  start(server: string): Membership {
    this.cores.get(server)?.stop();
    const core = new Membership({
      config: this.options.configFor?.(server, this.config) ?? this.config,
      self: server,
      secret: this.options.secretFor?.(server) ?? SECRET,
      incarnation: BigInt(1000 + ++this.incarnations),
      transport: this.net.transport(server),
      clock: this.clock,
    });
    core.on((event) => this.events.push({ observer: server, event }));
    this.cores.set(server, core);
    core.start();
    return core;
  }

  startAll(): void {
    for (const s of this.names) {
      this.start(s);
    }
  }

  /** Stops an agent: no more sending, receiving or timers. */
  stop(server: string): void {
    this.cores.get(server)?.stop();
    this.net.detach(server);
  }

  core(server: string): Membership {
    const c = this.cores.get(server);
    if (c === undefined) {
      throw new Error(`${server} is not started`);
    }
    return c;
  }

  peer(observer: string, peer: string): PeerSnapshot {
    return this.core(observer)
      .snapshot()
      .peers.find((p) => p.server === peer)!;
  }

  state(observer: string, peer: string): ServerState {
    return this.peer(observer, peer).state;
  }

  transitions(observer?: string, peer?: string): TransitionEvent[] {
    return this.events
      .filter((r) => observer === undefined || r.observer === observer)
      .map((r) => r.event)
      .filter((e): e is TransitionEvent => e.type === 'transition' && (peer === undefined || e.server === peer));
  }

  run(untilMs: number): void {
    this.clock.runUntil(untilMs);
  }
}
