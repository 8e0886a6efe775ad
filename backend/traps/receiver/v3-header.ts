/**
 * Reads the unencrypted header of an SNMPv3 message (RFC 3412 / 3414): message ID,
 * flags and the USM security parameters. The receiver needs these *before* handing the
 * packet to net-snmp, to reject unknown users and replays and to count why. Pure and
 * bounded: a malformed packet gives undefined, never an exception.
 */
export interface V3Header {
  msgId: number;
  flags: number;
  authenticated: boolean;
  encrypted: boolean;
  reportable: boolean;
  engineId: string; // hex
  engineBoots: number;
  engineTime: number;
  userName: string;
}

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(buf: Buffer, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) {
    return undefined;
  }
  const tag = buf[pos];
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) {
      return undefined;
    }
    len = 0;
    for (let i = 0; i < n; i++) {
      len = len * 256 + buf[start + i];
    }
    start += n;
  }
  const end = start + len;
  return end > limit ? undefined : { tag, start, end };
}

function readInt(buf: Buffer, t: Tlv | undefined): number | undefined {
  if (!t || t.tag !== 0x02 || t.end - t.start < 1 || t.end - t.start > 5) {
    return undefined;
  }
  let v = buf[t.start] & 0x80 ? -1 : 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 256 + buf[i];
  }
  return v;
}

const SEQUENCE = 0x30;
const OCTET_STRING = 0x04;

/** The version field of any SNMP message (0 = v1, 1 = v2c, 3 = v3), or undefined. */
export function snmpVersion(buf: Buffer): number | undefined {
  const msg = readTlv(buf, 0, buf.length);
  if (!msg || msg.tag !== SEQUENCE) {
    return undefined;
  }
  return readInt(buf, readTlv(buf, msg.start, msg.end));
}

export function readV3Header(buf: Buffer): V3Header | undefined {
  const msg = readTlv(buf, 0, buf.length);
  if (!msg || msg.tag !== SEQUENCE) {
    return undefined;
  }
  const version = readTlv(buf, msg.start, msg.end);
  if (readInt(buf, version) !== 3) {
    return undefined;
  }
  const global = readTlv(buf, version!.end, msg.end);
  if (!global || global.tag !== SEQUENCE) {
    return undefined;
  }
  const id = readTlv(buf, global.start, global.end);
  const maxSize = id && readTlv(buf, id.end, global.end);
  const flags = maxSize && readTlv(buf, maxSize.end, global.end);
  const msgId = readInt(buf, id);
  if (msgId === undefined || !flags || flags.tag !== OCTET_STRING || flags.end - flags.start !== 1) {
    return undefined;
  }
  const f = buf[flags.start];
  const secParams = readTlv(buf, global.end, msg.end);
  if (!secParams || secParams.tag !== OCTET_STRING) {
    return undefined;
  }
  const usm = readTlv(buf, secParams.start, secParams.end);
  if (!usm || usm.tag !== SEQUENCE) {
    return undefined;
  }
  const engine = readTlv(buf, usm.start, usm.end);
  const boots = engine && readTlv(buf, engine.end, usm.end);
  const time = boots && readTlv(buf, boots.end, usm.end);
  const user = time && readTlv(buf, time.end, usm.end);
  const engineBoots = readInt(buf, boots);
  const engineTime = readInt(buf, time);
  if (!engine || engine.tag !== OCTET_STRING || !user || user.tag !== OCTET_STRING) {
    return undefined;
  }
  if (
    engineBoots === undefined ||
    engineTime === undefined ||
    engine.end - engine.start > 32 ||
    user.end - user.start > 32
  ) {
    return undefined;
  }
  return {
    msgId,
    flags: f,
    authenticated: (f & 1) !== 0,
    encrypted: (f & 2) !== 0,
    reportable: (f & 4) !== 0,
    engineId: buf.toString('hex', engine.start, engine.end),
    engineBoots,
    engineTime,
    userName: buf.toString('utf8', user.start, user.end),
  };
}
