/**
 * The hot path of trap intake: SNMPv1 Trap-PDUs and SNMPv2c SNMPv2-Trap-PDUs (what BMCs
 * send as PETs), decoded straight from the datagram into the receiver's trap shape.
 *
 * net-snmp decodes the same packets correctly but allocates several objects and closures
 * per packet and builds an error object (with a stack trace) per rejected one; at storm
 * rates that halves throughput. Anything this decoder does not recognise exactly (SNMPv3,
 * informs, which need a response, unusual value types, long forms it does not expect) is
 * handed to net-snmp unchanged, so this is an optimisation, never a second opinion: the
 * differential test checks that both produce the same trap for every packet this one takes.
 */
import { PET_DATA_OID, PET_ENTERPRISE_OID, specificFromTrapOid } from '../pet';
import { SNMP_TRAP_OID, SYS_UPTIME_OID, type NormalizedTrap, type Varbind } from './normalize';

export type FastDecode =
  | { kind: 'trap'; trap: NormalizedTrap; community: string }
  | { kind: 'bad-community' }
  /** Not a well-formed v1/v2c trap this decoder handles: net-snmp decides (and words the rejection). */
  | { kind: 'fallback' };

const FALLBACK: FastDecode = { kind: 'fallback' };
const BAD_COMMUNITY: FastDecode = { kind: 'bad-community' };

// ASN.1 / SNMP tags
const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;
const IP_ADDRESS = 0x40;
const COUNTER32 = 0x41;
const GAUGE32 = 0x42;
const TIMETICKS = 0x43;
const TRAP_V1 = 0xa4;
const TRAP_V2 = 0xa7;

/** Cursor over one datagram; every read is bounds-checked, failures set `bad`. */
class Reader {
  pos = 0;
  bad = false;
  constructor(
    readonly buf: Buffer,
    public end: number
  ) {}

  /** Reads a tag and length; returns the content end, or -1. */
  header(expected: number): number {
    const b = this.buf;
    if (this.pos + 2 > this.end || b[this.pos] !== expected) {
      this.bad = true;
      return -1;
    }
    let len = b[this.pos + 1];
    this.pos += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || this.pos + n > this.end) {
        this.bad = true;
        return -1;
      }
      len = 0;
      for (let i = 0; i < n; i++) {
        len = len * 256 + b[this.pos++];
      }
    }
    const end = this.pos + len;
    if (end > this.end) {
      this.bad = true;
      return -1;
    }
    return end;
  }

  tag(): number {
    return this.pos < this.end ? this.buf[this.pos] : -1;
  }

  /**
   * Integer content of [pos, end), two's complement. Unsigned types (Counter32, Gauge32,
   * TimeTicks) take the 32-bit unsigned view of it, as net-snmp does.
   */
  int(end: number, signed: boolean): number {
    const b = this.buf;
    const n = end - this.pos;
    if (n < 1 || n > 5 || (n === 5 && b[this.pos] !== 0)) {
      this.bad = true;
      return 0;
    }
    let v = b[this.pos] & 0x80 ? -1 : 0;
    for (let i = this.pos; i < end; i++) {
      v = v * 256 + b[i];
    }
    this.pos = end;
    return signed ? v : v >>> 0;
  }

  integer(tag = INTEGER, signed = true): number {
    const end = this.header(tag);
    return end < 0 ? 0 : this.int(end, signed);
  }

  oid(): string {
    const end = this.header(OID);
    if (end < 0 || end === this.pos) {
      this.bad = true;
      return '';
    }
    const b = this.buf;
    // The first sub-identifier holds two arcs. X.690 says 2.(v - 80) for v >= 80;
    // net-snmp (whose decision we must match) always splits it as v / 40 and v % 40.
    let text = '';
    let v = 0;
    for (; this.pos < end; this.pos++) {
      const c = b[this.pos];
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) {
        text += text === '' ? `${Math.floor(v / 40)}.${v % 40}` : '.' + v;
        v = 0;
      } else if (v > 0x1fffffff) {
        this.bad = true;
        return '';
      }
    }
    if (b[end - 1] & 0x80) {
      this.bad = true;
    }
    return text;
  }
}

/** Decodes a v1 or v2c trap; `communities` are the accepted community strings. */
export function fastDecode(buf: Buffer, communities: ReadonlySet<string>): FastDecode {
  const r = new Reader(buf, buf.length);
  const msgEnd = r.header(SEQUENCE);
  if (msgEnd < 0) {
    return FALLBACK;
  }
  r.end = msgEnd;
  const version = r.integer();
  if (r.bad || (version !== 0 && version !== 1)) {
    return FALLBACK;
  }
  const communityEnd = r.header(OCTET_STRING);
  if (communityEnd < 0) {
    return FALLBACK;
  }
  const community = buf.toString('utf8', r.pos, communityEnd);
  r.pos = communityEnd;
  const pduTag = r.tag();
  if (pduTag !== (version === 0 ? TRAP_V1 : TRAP_V2)) {
    return FALLBACK; // informs, gets, or a v2 PDU in v1: net-snmp answers or rejects them
  }
  const pduEnd = r.header(pduTag);
  if (pduEnd < 0) {
    return FALLBACK;
  }
  r.end = pduEnd;
  const decoded = version === 0 ? v1(r, community) : v2(r, community);
  // Like net-snmp: the whole message parses first, then the community is checked.
  return decoded.kind === 'trap' && !communities.has(community) ? BAD_COMMUNITY : decoded;
}

function v1(r: Reader, community: string): FastDecode {
  const enterprise = r.oid();
  const addrEnd = r.header(IP_ADDRESS);
  if (r.bad || addrEnd - r.pos !== 4) {
    return FALLBACK;
  }
  const b = r.buf;
  const agentAddr = `${b[r.pos]}.${b[r.pos + 1]}.${b[r.pos + 2]}.${b[r.pos + 3]}`;
  r.pos = addrEnd;
  const generic = r.integer();
  const specific = r.integer();
  r.integer(TIMETICKS, false);
  const varbinds = r.bad ? undefined : readVarbinds(r);
  if (!varbinds) {
    return FALLBACK;
  }
  const trapOid = generic === 6 ? `${enterprise}.0.${specific}` : `1.3.6.1.6.3.1.1.5.${generic + 1}`;
  const isPet = generic === 6 && enterprise === PET_ENTERPRISE_OID;
  return {
    kind: 'trap',
    community,
    trap: {
      version: 'v1',
      inform: false,
      trapOid,
      enterprise,
      agentAddr,
      generic,
      specific,
      varbinds,
      pet: isPet ? { specific, data: petData(varbinds) } : undefined,
    },
  };
}

function v2(r: Reader, community: string): FastDecode {
  r.integer(); // request-id
  r.integer(); // error-status
  r.integer(); // error-index
  const varbinds = r.bad ? undefined : readVarbinds(r);
  if (!varbinds) {
    return FALLBACK;
  }
  let trapOid = '';
  const rest: Varbind[] = [];
  for (const vb of varbinds) {
    if (vb.oid === SNMP_TRAP_OID) {
      if (typeof vb.value === 'string') {
        trapOid = vb.value;
      }
    } else if (vb.oid !== SYS_UPTIME_OID) {
      rest.push(vb);
    }
  }
  const specific = trapOid ? specificFromTrapOid(trapOid) : undefined;
  return {
    kind: 'trap',
    community,
    trap: {
      version: 'v2c',
      inform: false,
      trapOid,
      varbinds: rest,
      pet: specific !== undefined ? { specific, data: petData(varbinds) } : undefined,
    },
  };
}

function petData(varbinds: Varbind[]): Buffer | undefined {
  for (const vb of varbinds) {
    if (vb.oid === PET_DATA_OID && Buffer.isBuffer(vb.value)) {
      return vb.value;
    }
  }
  return undefined;
}

/** Varbinds with the value types BMCs send; undefined (with r.bad unset) for anything else. */
function readVarbinds(r: Reader): Varbind[] | undefined {
  const listEnd = r.header(SEQUENCE);
  if (listEnd < 0) {
    return undefined;
  }
  const out: Varbind[] = [];
  while (r.pos < listEnd) {
    const vbEnd = r.header(SEQUENCE);
    if (vbEnd < 0) {
      return undefined;
    }
    const oid = r.oid();
    if (r.bad) {
      return undefined;
    }
    const type = r.tag();
    let value: unknown;
    switch (type) {
      case INTEGER:
        value = r.integer();
        break;
      case COUNTER32:
      case GAUGE32:
      case TIMETICKS:
        value = r.integer(type, false);
        break;
      case OCTET_STRING: {
        const end = r.header(OCTET_STRING);
        if (end < 0) {
          return undefined;
        }
        value = r.buf.subarray(r.pos, end); // dgram hands each datagram its own buffer: no copy needed
        r.pos = end;
        break;
      }
      case OID:
        value = r.oid();
        break;
      case NULL: {
        const end = r.header(NULL);
        if (end !== r.pos) {
          r.bad = true;
          return undefined;
        }
        value = null;
        break;
      }
      case IP_ADDRESS: {
        const end = r.header(IP_ADDRESS);
        if (end - r.pos !== 4) {
          r.bad = true;
          return undefined;
        }
        const b = r.buf;
        value = `${b[r.pos]}.${b[r.pos + 1]}.${b[r.pos + 2]}.${b[r.pos + 3]}`;
        r.pos = end;
        break;
      }
      default:
        return undefined; // Counter64, Opaque, exceptions...: net-snmp's job
    }
    if (r.bad || r.pos !== vbEnd) {
      r.bad = true;
      return undefined;
    }
    out.push({ oid, type, value });
  }
  return r.pos === listEnd ? out : undefined;
}
