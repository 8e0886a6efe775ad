/**
 * The heartbeat packet: binary, big-endian, one UDP datagram, authenticated with
 * HMAC-SHA256. Pure (node:crypto only).
 *
 *   u8    version (1)
 *   u8    interconnect index the packet was sent on
 *   str8  cluster name            (str8 = u8 length + ASCII bytes, 1..63 per the config schema)
 *   str8  sender server name
 *   str8  destination server name
 *   u64   sender incarnation      (chosen at each agent start, see incarnation.ts)
 *   u32   sequence number         (heartbeat round, 1.. per incarnation)
 *   f64   send time               (ms, sender's monotonic clock; only the sender reads it back)
 *   u32   echo sequence           (the last sequence received from the destination on this
 *   f64   echo send time           interconnect, its send time and how long it was held
 *   u32   echo hold time (µs)      here before this packet left; sequence 0 = nothing to echo)
 *   u32   config revision
 *   u8+n  config hash             (n raw bytes, 0..64; hex in the API)
 *   8     layout digest           (see layout.ts)
 *   u8+n  heard-servers bitmap    (bit count, then ceil(count/8) bytes, LSB first)
 *   u8+n  held-groups bitmap
 *   u8+4n claim epochs            (version 2 on: count, then one u32 per held group, in
 *                                  bitmap order; see groups/claims.ts)
 *   u32   desired-state revision  (version 3 on; see groups/desired.ts)
 *   u8+n  groups stopped by an operator (bitmap)
 *   u8+n  groups started by an operator (bitmap)
 *   32    HMAC-SHA256 of every byte above
 *
 * Versions. Version 2 added the claim epochs; a version-1 packet reads as epochs of 0 (the
 * sender predates claims), so agents of both versions hear each other during a rolling
 * upgrade. Version 3 added the desired state; an older packet reads as none (null). The
 * sender picks the version per peer (membership.ts): 3 unless the peer speaks an older one.
 *
 * Why binary rather than compact JSON: with names, a summary of 32 servers and 128 groups
 * needs up to ~10 KiB (about 1.6 KiB with short names), over one datagram either way; as
 * bitmaps it is 22 bytes. A maximum-size cluster's packet with every group held is 710
 * bytes (672 before version 3), and the largest the configuration schema allows (32
 * servers, 128 groups, 63-character names, a 64-byte hash, every group held) is 912 bytes,
 * so every heartbeat fits one unfragmented datagram on any link, with no truncation rule
 * to get wrong. (255-entry bitmaps, beyond the schema, would take 1426 bytes in version 2
 * and 1496 in version 3: the encoder refuses the latter rather than fragment.)
 * A fixed field order also means the decoder reads untrusted input with bounds checks only:
 * no JSON parser, no object built from attacker-chosen keys.
 *
 * Decoding never throws. It checks, in order: size and structure up to the cluster name
 * (`malformed`), the cluster name (`wrong_cluster`: another cluster on the same port and a
 * different secret; naming that beats a bare `bad_mac`), the MAC (`bad_mac`,
 * crypto.timingSafeEqual), then the remaining structure. Every field after the cluster name is
 * therefore read only from authenticated bytes. Sequence, incarnation, sender and routing are
 * the receiver's business (admission.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ByteReader, ByteWriter, Overrun } from './bytes';
import type { Bitmap } from './layout';

export const HEARTBEAT_VERSION = 3;
/** Oldest version still read (and sent to peers that speak nothing newer). */
export const MIN_HEARTBEAT_VERSION = 1;
export const MAC_BYTES = 32;
export const LAYOUT_BYTES = 8;
/**
 * Nothing we send is larger; anything larger is refused before any work. 1452 bytes is
 * what a 1500-byte Ethernet frame carries over IPv6 (1472 over IPv4): never fragmented.
 */
export const MAX_PACKET_BYTES = 1452;
/** Version 1: version + interconnect + shortest names + fixed fields + empty hash and bitmaps + MAC (version 2 adds 1). */
export const MIN_PACKET_BYTES = 2 + 3 * 2 + 8 + 4 + 8 + 4 + 8 + 4 + 4 + 1 + LAYOUT_BYTES + 1 + 1 + MAC_BYTES;

export interface Echo {
  seq: number;
  sentAt: number;
  /** How long the echoed packet was held by the echoing side (µs on the wire). */
  delayMs: number;
}

export interface Heartbeat {
  cluster: string;
  from: string;
  to: string;
  interconnect: number;
  incarnation: bigint;
  seq: number;
  sentAt: number;
  echo: Echo | null;
  revision: number;
  /** Lower-case hex. */
  hash: string;
  /** Layout digest, 16 lower-case hex digits. */
  layout: string;
  hears: Bitmap;
  groups: Bitmap;
  /** Claim epoch of each held group, in `groups.members` order (empty for version 1). */
  epochs: number[];
  /** The desired state (groups/desired.ts); version 3 on, else null (absent: sent as none decided). */
  desired?: { revision: number; stopped: Bitmap; started: Bitmap } | null;
  /** Wire version: HEARTBEAT_VERSION unless sent to (or received from) an older peer. */
  version?: number;
}

export type DecodeFailure = { ok: false; reason: 'malformed' | 'wrong_cluster' | 'bad_mac'; detail: string };
export type DecodeResult = { ok: true; heartbeat: Heartbeat } | DecodeFailure;

/** Same rule as `name` in config/model/primitives.ts. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * The HMAC key: derived from the cluster secret rather than the secret itself, so that a
 * MAC computed for heartbeats can never be valid for another use of the same secret.
 */
export function heartbeatKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('lifeline heartbeat v1').digest();
}

function mac(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

function writeBitmap(w: ByteWriter, b: Bitmap): void {
  const bytes = Buffer.alloc(Math.ceil(b.size / 8));
  for (const i of b.members) {
    if (Number.isInteger(i) && i >= 0 && i < b.size) {
      bytes[i >> 3] |= 1 << (i & 7);
    }
  }
  w.u8(b.size);
  w.bytes(bytes);
}

function readBitmap(r: ByteReader): Bitmap | string {
  const size = r.u8();
  const bytes = r.bytes(Math.ceil(size / 8));
  const members: number[] = [];
  for (let i = 0; i < bytes.length * 8; i++) {
    if (bytes[i >> 3] & (1 << (i & 7))) {
      if (i >= size) {
        return `bitmap bit ${i} set beyond its size ${size}`;
      }
      members.push(i);
    }
  }
  return { size, members };
}

/** Throws RangeError on values that cannot be encoded: those are programming errors. */
export function encodeHeartbeat(hb: Heartbeat, key: Buffer): Buffer {
  for (const [field, value] of [
    ['cluster', hb.cluster],
    ['from', hb.from],
    ['to', hb.to],
  ] as const) {
    if (!NAME.test(value)) {
      throw new RangeError(`heartbeat ${field} "${value}" is not a valid name`);
    }
  }
  if (!/^(?:[0-9a-f]{2}){0,64}$/.test(hb.hash) || !/^[0-9a-f]{16}$/.test(hb.layout)) {
    throw new RangeError('heartbeat hash or layout is not lower-case hex of the right length');
  }
  const w = new ByteWriter(Buffer.allocUnsafe(MAX_PACKET_BYTES));
  const version = hb.version ?? HEARTBEAT_VERSION;
  if (version < MIN_HEARTBEAT_VERSION || version > HEARTBEAT_VERSION) {
    throw new RangeError(`heartbeat version ${version} cannot be sent`);
  }
  w.u8(version);
  w.u8(hb.interconnect);
  w.str8(hb.cluster);
  w.str8(hb.from);
  w.str8(hb.to);
  w.u64(hb.incarnation);
  w.u32(hb.seq);
  w.f64(hb.sentAt);
  w.u32(hb.echo?.seq ?? 0);
  w.f64(hb.echo?.sentAt ?? 0);
  w.u32(hb.echo ? Math.min(0xffffffff, Math.max(0, Math.round(hb.echo.delayMs * 1000))) : 0);
  w.u32(hb.revision);
  const hash = Buffer.from(hb.hash, 'hex');
  w.u8(hash.length);
  w.bytes(hash);
  w.bytes(Buffer.from(hb.layout, 'hex'));
  writeBitmap(w, hb.hears);
  writeBitmap(w, hb.groups);
  if (version >= 2) {
    if (hb.epochs.length !== hb.groups.members.length) {
      throw new RangeError('heartbeat epochs must match the held groups one for one');
    }
    w.u8(hb.epochs.length);
    for (const e of hb.epochs) {
      w.u32(e);
    }
  }
  if (version >= 3) {
    const empty = { size: hb.groups.size, members: [] };
    w.u32(hb.desired?.revision ?? 0);
    writeBitmap(w, hb.desired?.stopped ?? empty);
    writeBitmap(w, hb.desired?.started ?? empty);
  }
  const body = w.view();
  w.bytes(mac(key, body));
  return Buffer.from(w.view());
}

function fail(reason: DecodeFailure['reason'], detail: string): DecodeFailure {
  return { ok: false, reason, detail };
}

function readName(r: ByteReader, field: string): string | DecodeFailure {
  const s = r.str8();
  return NAME.test(s) ? s : fail('malformed', `${field} is not a valid name`);
}

export function decodeHeartbeat(packet: Uint8Array, key: Buffer, cluster: string): DecodeResult {
  try {
    return decode(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength), key, cluster);
  } catch (e) {
    // Overrun is the expected way to meet a truncated packet; anything else is a bug that
    // must still cost only this one datagram.
    const detail = e instanceof Overrun ? `truncated: ${e.message}` : `decoder error: ${String(e)}`;
    return fail('malformed', detail);
  }
}

function decode(buf: Buffer, key: Buffer, cluster: string): DecodeResult {
  if (buf.length < MIN_PACKET_BYTES || buf.length > MAX_PACKET_BYTES) {
    return fail('malformed', `size ${buf.length} outside ${MIN_PACKET_BYTES}..${MAX_PACKET_BYTES} bytes`);
  }
  const body = buf.subarray(0, buf.length - MAC_BYTES);
  const r = new ByteReader(body);
  const version = r.u8();
  if (version < MIN_HEARTBEAT_VERSION || version > HEARTBEAT_VERSION) {
    return fail('malformed', `unsupported version ${version}`);
  }
  const interconnect = r.u8();
  const clusterName = readName(r, 'cluster');
  if (typeof clusterName !== 'string') {
    return clusterName;
  }
  if (clusterName !== cluster) {
    return fail('wrong_cluster', `cluster "${clusterName}"`);
  }
  if (!timingSafeEqual(mac(key, body), buf.subarray(buf.length - MAC_BYTES))) {
    return fail('bad_mac', 'HMAC-SHA256 does not match (wrong secret or altered packet)');
  }
  const from = readName(r, 'from');
  const to = readName(r, 'to');
  if (typeof from !== 'string') {
    return from;
  }
  if (typeof to !== 'string') {
    return to;
  }
  const incarnation = r.u64();
  const seq = r.u32();
  const sentAt = r.f64();
  const echoSeq = r.u32();
  const echoSentAt = r.f64();
  const echoDelayUs = r.u32();
  const revision = r.u32();
  const hash = r.bytes(r.u8()).toString('hex');
  const layout = r.bytes(LAYOUT_BYTES).toString('hex');
  const hears = readBitmap(r);
  const groups = readBitmap(r);
  if (typeof hears === 'string' || typeof groups === 'string') {
    return fail('malformed', typeof hears === 'string' ? hears : (groups as string));
  }
  const epochs: number[] = [];
  if (version >= 2) {
    const count = r.u8();
    if (count !== groups.members.length) {
      return fail('malformed', `${count} claim epochs for ${groups.members.length} held groups`);
    }
    for (let i = 0; i < count; i++) {
      epochs.push(r.u32());
    }
  }
  let desired: Heartbeat['desired'] = null;
  if (version >= 3) {
    const revision = r.u32();
    const stopped = readBitmap(r);
    const started = readBitmap(r);
    if (typeof stopped === 'string' || typeof started === 'string') {
      return fail('malformed', typeof stopped === 'string' ? stopped : (started as string));
    }
    desired = { revision, stopped, started };
  }
  if (r.remaining !== 0) {
    return fail('malformed', `${r.remaining} unexpected bytes before the MAC`);
  }
  if (seq === 0 || !Number.isFinite(sentAt) || !Number.isFinite(echoSentAt) || hash.length > 128) {
    return fail('malformed', 'sequence 0, non-finite time or oversized hash');
  }
  const echo = echoSeq === 0 ? null : { seq: echoSeq, sentAt: echoSentAt, delayMs: echoDelayUs / 1000 };
  return {
    ok: true,
    heartbeat: {
      cluster,
      from,
      to,
      interconnect,
      incarnation,
      seq,
      sentAt,
      echo,
      revision,
      hash,
      layout,
      hears,
      groups,
      epochs,
      desired,
      version,
    },
  };
}
