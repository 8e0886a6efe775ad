/**
 * The SNMP trap receiver: net-snmp decodes and authenticates (v1, v2c, v3 USM) and
 * acknowledges informs; this wrapper owns the sockets and adds what the library lacks.
 *
 * net-snmp is given our own sockets through its `dgramModule` hook, so every datagram
 * passes through `onDatagram` first: the source allow-list is checked before any
 * parsing, SNMPv3 headers are read to reject unknown users, replays and stale messages,
 * and then the packet is handed to net-snmp. Its processing is synchronous, so the
 * callback it makes while we hand the packet over tells us that packet's fate: every
 * datagram ends as exactly one result (accepted or a rejection reason), which is what
 * the counters and the fuzz test rely on.
 *
 * `disableAuthorization` is never used: it also switches off SNMPv3 signature checks.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import * as snmp from 'net-snmp';
import { isIPv6 } from '../../config/model/primitives';
import type { Endpoint } from '../../config/model';
import { systemClock, type Clock } from '../../time/clock';
import { fastDecode } from './fast-decoder';
import { normalizePdu, type NormalizedTrap } from './normalize';
import { ReplayGuard } from './replay-guard';
import type { SourcePolicy } from './source-policy';
import { readV3Header, snmpVersion, type V3Header } from './v3-header';

export const REJECT_REASONS = [
  'denied-source',
  'malformed',
  'bad-community',
  'unknown-user',
  'auth-failure',
  'decrypt-failure',
  'replay',
  'outside-window',
  'engine-flood',
  'unsupported-pdu',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What became of one datagram. `discovery`: an SNMPv3 engine discovery, answered with a report. */
export type PacketResult = 'accepted' | 'discovery' | RejectReason;

export interface ReceivedTrap extends NormalizedTrap {
  /** Wall clock (ms since epoch) and monotonic time (ms) of arrival. */
  receivedAt: number;
  receivedMono: number;
  source: { address: string; port: number };
  local: Endpoint;
  /** The server whose BMC sent it; '' when another allowed source sent it. */
  bmcOf: string;
  community?: string;
  user?: string;
  raw: Buffer;
}

export interface SnmpUserSecret {
  name: string;
  authProtocol: 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  authKey: string;
  privProtocol: 'aes' | 'aes256b' | 'aes256r' | 'none';
  privKey?: string;
}

export interface TrapReceiverOptions {
  endpoints: Endpoint[];
  communities: string[];
  users: SnmpUserSecret[];
  receiveBufferBytes: number;
  policy: SourcePolicy;
  guard?: ReplayGuard;
  onTrap: (trap: ReceivedTrap) => void;
  onResult: (result: PacketResult, source: { address: string; port: number }) => void;
  /** Engine IDs whose localized keys net-snmp may cache before the cache is reset. */
  maxCachedEngines?: number;
  /**
   * New SNMPv3 engine IDs accepted per second (burst: 10x). Each costs two key
   * localizations (a megabyte of hashing each); real BMCs keep one engine ID, so a stream
   * of new ones is an attack on the CPU.
   */
  newEnginesPerSecond?: number;
  /** Decode v1/v2c traps with the fast decoder (default); off only to compare with net-snmp. */
  fastPath?: boolean;
  /** Arrival stamps (wallNow for display, now for latency) and the new-engine bucket (default: systemClock). */
  clock?: Clock;
}

interface InFlight {
  raw: Buffer;
  rinfo: dgram.RemoteInfo;
  local: Endpoint;
  bmcOf: string;
  header?: V3Header;
  version: number;
  result?: PacketResult;
  receivedAt: number;
  receivedMono: number;
}

/** A stand-in socket handed to net-snmp; it sends replies through the real socket. */
class BridgeSocket extends EventEmitter {
  real?: dgram.Socket;
  bind(): void {}
  close(callback?: () => void): void {
    callback?.();
  }
  address() {
    return this.real?.address();
  }
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback?: (e: Error | null) => void
  ) {
    this.real?.send(buffer, offset, length, port, address, (e) => callback?.(e ?? null));
  }
}

export interface BoundSocket {
  endpoint: Endpoint;
  receiveBufferBytes: number;
}

export class TrapReceiver {
  private readonly guard: ReplayGuard;
  private readonly users: Map<string, SnmpUserSecret>;
  private readonly bridges: BridgeSocket[] = [];
  private readonly sockets: dgram.Socket[] = [];
  private receiver?: snmp.Receiver;
  private current?: InFlight;
  private readonly seenEngines = new Set<string>();

  private readonly clock: Clock;

  constructor(private readonly options: TrapReceiverOptions) {
    this.clock = options.clock ?? systemClock;
    this.guard = options.guard ?? new ReplayGuard({ clock: this.clock });
    this.users = new Map(options.users.map((u) => [u.name, u]));
    this.communities = new Set(options.communities);
  }

  private readonly communities: ReadonlySet<string>;

  /** Binds every endpoint; rejects with a clear message (address:port and why) when one cannot be bound. */
  async start(): Promise<BoundSocket[]> {
    const bridgesToCreate = [...this.options.endpoints];
    const factory: snmp.DgramLike = {
      createSocket: () => {
        const bridge = new BridgeSocket();
        this.bridges.push(bridge);
        return bridge;
      },
    };
    this.receiver = snmp.createReceiver(
      {
        sockets: bridgesToCreate.map((e) => ({
          transport: isIPv6(e.address) ? 'udp6' : 'udp4',
          address: e.address,
          port: e.port,
        })),
        includeAuthentication: true,
        dgramModule: factory,
      },
      (error, data) => this.onNetSnmp(error, data)
    );
    const authorizer = this.receiver.getAuthorizer();
    this.options.communities.forEach((c) => authorizer.addCommunity(c));
    for (const u of this.options.users) {
      authorizer.addUser({
        name: u.name,
        level: u.privProtocol === 'none' ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.authPriv,
        authProtocol: snmp.AuthProtocols[u.authProtocol],
        authKey: u.authKey,
        privProtocol: u.privProtocol === 'none' ? undefined : snmp.PrivProtocols[u.privProtocol],
        privKey: u.privKey,
      });
    }
    const bound: BoundSocket[] = [];
    for (let i = 0; i < this.options.endpoints.length; i++) {
      const endpoint = this.options.endpoints[i];
      const socket = await bindSocket(endpoint, this.options.receiveBufferBytes);
      this.sockets.push(socket);
      this.bridges[i].real = socket;
      socket.on('message', (buf, rinfo) => this.onDatagram(i, endpoint, buf, rinfo));
      bound.push({ endpoint, receiveBufferBytes: socket.getRecvBufferSize() });
    }
    return bound;
  }

  async stop(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets.length = 0;
    this.receiver?.close();
  }

  get replayGuard(): ReplayGuard {
    return this.guard;
  }

  private onDatagram(index: number, local: Endpoint, raw: Buffer, rinfo: dgram.RemoteInfo) {
    const source = { address: rinfo.address, port: rinfo.port };
    const bmcOf = this.options.policy.check(rinfo.address);
    if (bmcOf === undefined) {
      this.options.onResult('denied-source', source);
      return;
    }
    const version = snmpVersion(raw);
    if (version === undefined || (version !== 0 && version !== 1 && version !== 3)) {
      this.options.onResult('malformed', source);
      return;
    }
    if (version !== 3 && this.options.fastPath !== false) {
      const fast = fastDecode(raw, this.communities);
      if (fast.kind === 'trap') {
        this.options.onResult('accepted', source);
        this.deliver(
          fast.trap,
          fast.community,
          undefined,
          raw,
          rinfo,
          local,
          bmcOf,
          this.clock.wallNow(),
          this.clock.now()
        );
        return;
      }
      if (fast.kind === 'bad-community') {
        this.options.onResult('bad-community', source);
        return;
      }
    }
    let header: V3Header | undefined;
    if (version === 3) {
      header = readV3Header(raw);
      const early = header ? this.screenV3(header) : 'malformed';
      if (early) {
        this.options.onResult(early, source);
        return;
      }
    }
    const flight: InFlight = {
      raw,
      rinfo,
      local,
      bmcOf,
      header,
      version,
      receivedAt: this.clock.wallNow(),
      receivedMono: this.clock.now(),
    };
    this.current = flight;
    try {
      this.bridges[index].emit('message', raw, rinfo);
    } catch {
      flight.result ??= 'malformed';
    } finally {
      this.current = undefined;
    }
    // No callback: net-snmp answered an SNMPv3 discovery (or an unknown-user inform) with a report.
    const result = flight.result ?? (header && header.userName === '' ? 'discovery' : 'unsupported-pdu');
    if (result !== 'accepted') {
      this.options.onResult(result, source);
    }
  }

  /** SNMPv3 checks before net-snmp sees the packet; undefined means "hand it over". */
  private screenV3(h: V3Header): PacketResult | undefined {
    if (h.userName === '' && !h.authenticated) {
      return undefined; // engine discovery (RFC 3414 4): net-snmp answers with a report
    }
    const user = this.users.get(h.userName);
    if (!user) {
      return 'unknown-user';
    }
    if (!h.authenticated || (user.privProtocol !== 'none' && !h.encrypted)) {
      return 'auth-failure'; // below the user's security level
    }
    const verdict = this.guard.check(h);
    if (verdict !== 'ok') {
      return verdict;
    }
    if (!this.seenEngines.has(h.engineId) && !this.takeEngineToken()) {
      return 'engine-flood';
    }
    this.boundKeyCache(h.engineId);
    return undefined;
  }

  private engineTokens = -1;
  private engineRefill = 0;

  /** Token bucket for new engine IDs. */
  private takeEngineToken(): boolean {
    const rate = this.options.newEnginesPerSecond ?? 20;
    const now = this.clock.now();
    if (this.engineTokens < 0) {
      this.engineTokens = rate * 10;
      this.engineRefill = now;
    }
    this.engineTokens = Math.min(rate * 10, this.engineTokens + ((now - this.engineRefill) / 1000) * rate);
    this.engineRefill = now;
    if (this.engineTokens < 1) {
      return false;
    }
    this.engineTokens -= 1;
    return true;
  }

  /**
   * net-snmp caches one localized key per (protocol, password, engine ID) and never
   * evicts: invented engine IDs would grow it without bound. Reset it past a limit.
   */
  private boundKeyCache(engineId: string) {
    if (this.seenEngines.has(engineId)) {
      return;
    }
    this.seenEngines.add(engineId);
    if (this.seenEngines.size > (this.options.maxCachedEngines ?? 1024)) {
      this.seenEngines.clear();
      snmp.Authentication.authToKeyCache = {};
    }
  }

  private onNetSnmp(error: (Error & { code?: number }) | null, data?: { pdu: Record<string, unknown> }) {
    const flight = this.current;
    if (!flight) {
      return; // socket errors surface through bindSocket; nothing else arrives outside a hand-over
    }
    if (error) {
      flight.result = reasonOf(error, flight);
      return;
    }
    if (!data) {
      flight.result = 'malformed';
      return;
    }
    const pdu = data.pdu as { type: number; community?: string; user?: string };
    if (flight.header?.authenticated) {
      this.guard.commit({ ...flight.header });
    }
    flight.result = 'accepted';
    this.options.onResult('accepted', { address: flight.rinfo.address, port: flight.rinfo.port });
    this.deliver(
      normalizePdu(pdu, flight.version),
      typeof pdu.community === 'string' ? pdu.community : undefined,
      typeof pdu.user === 'string' ? pdu.user : undefined,
      flight.raw,
      flight.rinfo,
      flight.local,
      flight.bmcOf,
      flight.receivedAt,
      flight.receivedMono
    );
  }

  private deliver(
    trap: NormalizedTrap,
    community: string | undefined,
    user: string | undefined,
    raw: Buffer,
    rinfo: dgram.RemoteInfo,
    local: Endpoint,
    bmcOf: string,
    receivedAt: number,
    receivedMono: number
  ) {
    const received = trap as ReceivedTrap;
    received.receivedAt = receivedAt;
    received.receivedMono = receivedMono;
    received.source = { address: rinfo.address, port: rinfo.port };
    received.local = local;
    received.bmcOf = bmcOf;
    received.community = community;
    received.user = user;
    received.raw = raw;
    this.options.onTrap(received);
  }
}

function reasonOf(error: Error & { code?: number }, flight: InFlight): RejectReason {
  if (error.code === 5) {
    return 'auth-failure';
  }
  if (error.code === 4) {
    return 'decrypt-failure';
  }
  const m = error.message;
  if (m.startsWith('Local community not found')) {
    return 'bad-community';
  }
  if (m.startsWith('Local user not found')) {
    return 'unknown-user';
  }
  if (/requires (authentication|privacy)/.test(m)) {
    return 'auth-failure';
  }
  if (error.name === 'RequestInvalidError') {
    return 'unsupported-pdu';
  }
  // A v3 authPriv packet that fails to parse after our header check failed to decrypt.
  return flight.header?.encrypted ? 'decrypt-failure' : 'malformed';
}

function bindSocket(endpoint: Endpoint, receiveBufferBytes: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({
      type: isIPv6(endpoint.address) ? 'udp6' : 'udp4',
      recvBufferSize: receiveBufferBytes,
    });
    const onError = (e: NodeJS.ErrnoException) => {
      socket.close();
      const why =
        e.code === 'EADDRINUSE'
          ? 'the port is in use'
          : e.code === 'EADDRNOTAVAIL'
            ? 'no interface has this address'
            : e.code === 'EACCES'
              ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)'
              : e.message;
      reject(new Error(`cannot receive traps on ${endpoint.address}:${endpoint.port}: ${why}`));
    };
    socket.once('error', onError);
    socket.bind(endpoint.port, endpoint.address, () => {
      socket.off('error', onError);
      try {
        socket.setRecvBufferSize(receiveBufferBytes);
      } catch {
        // The kernel caps it at net.core.rmem_max; the size obtained is reported by start().
      }
      socket.on('error', () => undefined); // UDP receive errors (e.g. ICMP) must not crash the agent
      resolve(socket);
    });
  });
}
