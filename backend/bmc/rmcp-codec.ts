// RMCP / ASF presence ping and pong (DMTF ASF 2.0, DSP0136 section 3.2.4), pure and I/O-free.
//
// Why a presence ping at all: it is the cheapest question a BMC answers. It needs no session,
// no credentials and no process (an ipmitool call is a fork plus a four-message RMCP+ handshake),
// so it can run at heartbeat frequency for every peer. IPMI v2.0 section 13.2.3 requires BMCs
// that support IPMI over LAN to answer it, and the pong says whether IPMI is supported.
//
// Wire format, all multi-byte fields big-endian:
//   RMCP header   06 00 FF 06       version 1.0, reserved, sequence FF (no RMCP ACK), class ASF
//   ASF header    00 00 11 BE       IANA enterprise 4542 (ASF)
//                 80|40 TAG 00 LEN  type (ping 0x80, pong 0x40), message tag, reserved, data length
//   pong data     IANA(4) OEM(4)    OEM IANA enterprise (4542 when none) and OEM-defined value
//                 ENT INT           supported entities (bit 7 IPMI, bits 3-0 ASF version),
//                                   supported interactions (bit 7 RMCP security extensions, bit 5 DASH)
//                 00 x 6            reserved
//
// decodePresencePong never throws: any byte sequence yields either a pong or a reason.

export const RMCP_VERSION_1 = 0x06;
export const RMCP_SEQ_NO_ACK = 0xff;
export const RMCP_CLASS_ASF = 0x06;
/** Bit 7 of the RMCP class byte marks an RMCP ACK rather than a message. */
export const RMCP_CLASS_ACK_BIT = 0x80;
export const ASF_IANA = 4542;
export const ASF_PRESENCE_PING = 0x80;
export const ASF_PRESENCE_PONG = 0x40;
/** Tag 0xFF means "not part of a request/response pair": a ping never uses it. */
export const MAX_PING_TAG = 0xfe;

export const PING_LENGTH = 12;
export const PONG_DATA_LENGTH = 16;
export const PONG_LENGTH = 12 + PONG_DATA_LENGTH;

export interface PresencePong {
  tag: number;
  /** OEM IANA enterprise number; 4542 when the BMC declares no OEM extensions. */
  oemIana: number;
  oemDefined: number;
  /** Supported entities bit 7: the managed client supports IPMI. */
  ipmiSupported: boolean;
  /** Supported entities bits 3-0: 1 = ASF 1.0 (what BMCs report). */
  asfVersion: number;
  /** Supported interactions bit 7: RMCP security extensions (RSP) supported. */
  securityExtensions: boolean;
  /** Supported interactions bit 5: DMTF DASH supported. */
  dashSupported: boolean;
  supportedEntities: number;
  supportedInteractions: number;
}

export type PongRejectReason =
  | 'short' // fewer than 12 bytes: no complete RMCP + ASF header
  | 'not-rmcp' // version byte is not RMCP 1.0
  | 'rmcp-ack' // an RMCP acknowledgement, not a message
  | 'not-asf' // RMCP class or IANA number is not ASF
  | 'not-pong' // an ASF message of another type
  | 'tag-mismatch' // a pong, but for another ping (late answer to an earlier one)
  | 'truncated'; // a pong whose 16 data bytes are not all there

export type PongDecode = { ok: true; pong: PresencePong } | { ok: false; reason: PongRejectReason; detail: string };

/** Builds the 12-byte presence ping. `tag` (0..254) is echoed by the BMC in its pong. */
export function encodePresencePing(tag: number): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > MAX_PING_TAG) {
    throw new RangeError(`presence ping tag must be an integer 0-${MAX_PING_TAG}, got ${String(tag)}`);
  }
  const b = Buffer.alloc(PING_LENGTH);
  b[0] = RMCP_VERSION_1;
  b[1] = 0x00;
  b[2] = RMCP_SEQ_NO_ACK;
  b[3] = RMCP_CLASS_ASF;
  b.writeUInt32BE(ASF_IANA, 4);
  b[8] = ASF_PRESENCE_PING;
  b[9] = tag;
  b[10] = 0x00;
  b[11] = 0x00;
  return b;
}

/** Builds a pong (the BMC side); used by tests and simulators, kept here so both directions share one layout. */
export function encodePresencePong(
  p: Omit<PresencePong, 'ipmiSupported' | 'asfVersion' | 'securityExtensions' | 'dashSupported'>
): Buffer {
  const b = Buffer.alloc(PONG_LENGTH);
  b[0] = RMCP_VERSION_1;
  b[2] = RMCP_SEQ_NO_ACK;
  b[3] = RMCP_CLASS_ASF;
  b.writeUInt32BE(ASF_IANA, 4);
  b[8] = ASF_PRESENCE_PONG;
  b[9] = p.tag & 0xff;
  b[11] = PONG_DATA_LENGTH;
  b.writeUInt32BE(p.oemIana >>> 0, 12);
  b.writeUInt32BE(p.oemDefined >>> 0, 16);
  b[20] = p.supportedEntities & 0xff;
  b[21] = p.supportedInteractions & 0xff;
  return b;
}

/**
 * Decodes a datagram received in answer to a presence ping. With `expectedTag`, a pong for
 * another tag is rejected: UDP may deliver a late pong for an earlier, timed-out ping.
 * Trailing bytes beyond the declared data are ignored (tolerant of padding).
 */
export function decodePresencePong(bytes: Uint8Array, expectedTag?: number): PongDecode {
  const n = bytes instanceof Uint8Array ? bytes.length : 0;
  if (n < PING_LENGTH) {
    return reject('short', `${n} bytes, an RMCP/ASF header needs ${PING_LENGTH}`);
  }
  if (bytes[0] !== RMCP_VERSION_1) {
    return reject('not-rmcp', `RMCP version byte 0x${hex(bytes[0])}, expected 0x06`);
  }
  if ((bytes[3] & RMCP_CLASS_ACK_BIT) !== 0) {
    return reject('rmcp-ack', `RMCP class 0x${hex(bytes[3])} is an acknowledgement`);
  }
  const iana = u32(bytes, 4);
  if ((bytes[3] & 0x0f) !== RMCP_CLASS_ASF || iana !== ASF_IANA) {
    return reject('not-asf', `RMCP class 0x${hex(bytes[3])}, IANA ${iana}; expected ASF (class 0x06, IANA 4542)`);
  }
  if (bytes[8] !== ASF_PRESENCE_PONG) {
    return reject('not-pong', `ASF message type 0x${hex(bytes[8])}, expected 0x40 (presence pong)`);
  }
  const tag = bytes[9];
  if (expectedTag !== undefined && tag !== expectedTag) {
    return reject('tag-mismatch', `pong tag ${tag}, expected ${expectedTag}`);
  }
  const dataLength = bytes[11];
  if (dataLength < PONG_DATA_LENGTH || n < PONG_LENGTH) {
    return reject(
      'truncated',
      `pong data length ${dataLength} in ${n} bytes, expected ${PONG_DATA_LENGTH} in ${PONG_LENGTH}`
    );
  }
  const supportedEntities = bytes[20];
  const supportedInteractions = bytes[21];
  return {
    ok: true,
    pong: {
      tag,
      oemIana: u32(bytes, 12),
      oemDefined: u32(bytes, 16),
      ipmiSupported: (supportedEntities & 0x80) !== 0,
      asfVersion: supportedEntities & 0x0f,
      securityExtensions: (supportedInteractions & 0x80) !== 0,
      dashSupported: (supportedInteractions & 0x20) !== 0,
      supportedEntities,
      supportedInteractions,
    },
  };
}

function reject(reason: PongRejectReason, detail: string): PongDecode {
  return { ok: false, reason, detail };
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
