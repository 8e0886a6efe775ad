/**
 * Which sources may send traps: the servers' BMCs (their configured addresses and BMC
 * interconnect addresses) plus extra allowed sources from the configuration. The
 * product logs and denies notifications from anyone else; so do we, logging each denied
 * source at most once a minute so that a stranger's flood cannot flood the log too.
 * Both tables are bounded LRU caches: a flood of spoofed sources pushes out what was seen
 * least recently, and the log table never forgets a source logged within the minute (when
 * it is full of those, the others share one line a minute).
 */
import { LRUCache } from 'lru-cache';
import { isIPv4, isIPv6 } from '../../config/model/primitives';
import type { ClusterConfig } from '../../config/model';

interface Block {
  v4: boolean;
  bits: bigint;
  mask: bigint;
}

function toBigInt(address: string): { v4: boolean; value: bigint } | undefined {
  if (address.startsWith('::ffff:') && isIPv4(address.slice(7))) {
    address = address.slice(7); // IPv4-mapped IPv6, as dual-stack sockets report it
  }
  if (isIPv4(address)) {
    return { v4: true, value: address.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  }
  if (!isIPv6(address)) {
    return undefined;
  }
  let groups = address.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const expand = (parts: string[]): string[] =>
    parts.flatMap((p) =>
      p.includes('.')
        ? [
            (Number(p.split('.')[0]) * 256 + Number(p.split('.')[1])).toString(16),
            (Number(p.split('.')[2]) * 256 + Number(p.split('.')[3])).toString(16),
          ]
        : [p]
    );
  const h = expand(head);
  const t = expand(tail);
  groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return { v4: false, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function block(text: string): Block | undefined {
  const [addr, prefixText] = text.split('/');
  const ip = toBigInt(addr);
  if (!ip) {
    return undefined;
  }
  const width = ip.v4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) {
    return undefined;
  }
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { v4: ip.v4, bits: ip.value & mask, mask };
}

/** Sources remembered by each table (verdicts, log throttle). */
const TABLE_SIZE = 10_000;
const LOG_EVERY_MS = 60_000;

export class SourcePolicy {
  private readonly exact = new Map<string, string | undefined>();
  private readonly blocks: Block[] = [];
  /** Denied source -> when it was last logged; least recently logged first out. */
  private readonly lastLogged = new LRUCache<string, number>({ max: TABLE_SIZE });
  private untrackedLoggedAt = -Infinity;

  /**
   * @param bmcs BMC address -> server name (traps from a BMC concern its server)
   * @param extra other allowed addresses or CIDR blocks
   */
  constructor(bmcs: Map<string, string>, extra: string[]) {
    for (const [address, server] of bmcs) {
      this.exact.set(normalise(address), server);
    }
    for (const e of extra) {
      if (!e.includes('/')) {
        this.exact.set(normalise(e), this.exact.get(normalise(e)));
      } else {
        const b = block(e);
        if (b) {
          this.blocks.push(b);
        }
      }
    }
  }

  static fromConfig(config: ClusterConfig): SourcePolicy {
    const bmcs = new Map<string, string>();
    for (const s of config.servers) {
      if (s.bmc) {
        bmcs.set(s.bmc.address, s.name);
      }
    }
    for (const ic of config.interconnects) {
      if (ic.type === 'bmc') {
        for (const [server, address] of Object.entries(ic.addresses)) {
          bmcs.set(address, server);
        }
      }
    }
    return new SourcePolicy(bmcs, config.traps.allowSources);
  }

  /** Address -> the server whose BMC it is ('' another allowed source, false denied). */
  private readonly verdicts = new LRUCache<string, string | false>({ max: TABLE_SIZE });

  /** undefined: denied; otherwise the server whose BMC sent it ('' for another allowed source). */
  check(address: string): string | undefined {
    // The hot path sees few distinct sources: remember verdicts (bounded).
    const cached = this.verdicts.get(address);
    if (cached !== undefined) {
      return cached === false ? undefined : cached;
    }
    const verdict = this.decide(address);
    this.verdicts.set(address, verdict ?? false);
    return verdict;
  }

  private decide(address: string): string | undefined {
    const a = normalise(address);
    if (this.exact.has(a)) {
      return this.exact.get(a) ?? '';
    }
    if (this.blocks.length > 0) {
      const ip = toBigInt(address);
      if (ip && this.blocks.some((b) => b.v4 === ip.v4 && (ip.value & b.mask) === b.bits)) {
        return '';
      }
    }
    return undefined;
  }

  /**
   * Whether a denial from this source is logged now: 'source' at most once a minute per
   * source; 'untracked' at most once a minute for every source beyond the table's size seen
   * while it holds only sources logged within the minute; false otherwise.
   */
  denialToLog(address: string, nowMs: number): 'source' | 'untracked' | false {
    // peek, not get: the table's order stays the order of logging, so its tail is the oldest line.
    const last = this.lastLogged.peek(address);
    if (last !== undefined && nowMs - last < LOG_EVERY_MS) {
      return false;
    }
    if (last === undefined && this.lastLogged.size >= TABLE_SIZE) {
      const oldest = this.lastLogged.rkeys().next().value;
      const at = oldest === undefined ? undefined : this.lastLogged.peek(oldest);
      if (at !== undefined && nowMs - at < LOG_EVERY_MS) {
        if (nowMs - this.untrackedLoggedAt < LOG_EVERY_MS) {
          return false;
        }
        this.untrackedLoggedAt = nowMs;
        return 'untracked';
      }
    }
    this.lastLogged.set(address, nowMs);
    return 'source';
  }
}

/** One spelling per address ("fe80::1" = "fe80:0::1", "::ffff:10.0.0.1" = "10.0.0.1"). */
function normalise(address: string): string {
  const ip = toBigInt(address);
  return ip ? `${ip.v4 ? 4 : 6}:${ip.value}` : address.toLowerCase();
}
