// The PET "specific trap" number: the event's identity, packed into 24 bits.
//
// SNMPv1 carries it as the specific-trap field of a Trap-PDU with enterprise
// 1.3.6.1.4.1.3183.1.1 (generic 6); SNMPv2c carries the same number as the last arc of
// snmpTrapOID.0 (RFC 3584 mapping: <enterprise>.0.<specific>).
//
//   bits 31-24  not used by PET (must be 0)
//   bits 23-16  sensor type          (IPMI Table 42-3)
//   bits 15-8   event/reading type   (IPMI Table 42-1)
//   bit  7      direction: 0 = assertion, 1 = deassertion ("cleared")
//   bits 6-4    reserved
//   bits 3-0    event offset; 0xF = unspecified
//
// Example: 880385 = 0x0D6F01 -> drive slot, sensor-specific, offset 1 (drive fault), asserted.

/** PET enterprise OID (SNMPv1 enterprise field). */
export const PET_ENTERPRISE_OID = '1.3.6.1.4.1.3183.1.1';
/** OID of the variable binding that carries the PET data OCTET STRING. */
export const PET_DATA_OID = '1.3.6.1.4.1.3183.1.1.1';
/** Prefix of a v2c snmpTrapOID.0 value that maps a PET (enterprise + ".0."). */
export const PET_TRAP_OID_PREFIX = PET_ENTERPRISE_OID + '.0.';

/** Offset value meaning "no offset given". */
export const OFFSET_UNSPECIFIED = 0x0f;

export type PetDirection = 'assertion' | 'deassertion';

/** The four fields carried by the specific-trap number. */
export interface SpecificTrapFields {
  /** The specific-trap number as an unsigned 32-bit value (what was decoded). */
  specific: number;
  sensorType: number;
  eventType: number;
  direction: PetDirection;
  offset: number;
  /** false when the offset nibble is 0xF ("unspecified"). */
  offsetSpecified: boolean;
}

/**
 * Split a specific-trap number into its fields. Never throws: odd input (non-number, NaN,
 * fraction, negative, bits above 23 or reserved bits 6-4 set) is normalised and explained in
 * `warnings` (appended to the given array).
 */
export function decodeSpecific(input: unknown, warnings: string[]): SpecificTrapFields {
  let n =
    typeof input === 'number' ? input : typeof input === 'string' || typeof input === 'bigint' ? Number(input) : NaN;
  if (!Number.isFinite(n)) {
    warnings.push('specific trap number is not a finite number; decoded as 0');
    n = 0;
  } else if (!Number.isInteger(n)) {
    warnings.push('specific trap number is not an integer; fraction dropped');
    n = Math.trunc(n);
  }
  if (n < 0 || n > 0xffffffff) {
    // SNMP INTEGER is signed 32-bit: a negative value is the same bits read as signed.
    warnings.push('specific trap number ' + n + ' is outside 0..0xFFFFFFFF; low 32 bits used');
  }
  // `>>> 0` keeps the low 32 bits as an unsigned number (works for negatives and huge values).
  const u = n >>> 0;
  if (u > 0xffffff) {
    warnings.push('specific trap number has bits 31-24 set (not PET); they are ignored');
  }
  if ((u & 0x70) !== 0) {
    warnings.push('specific trap number has reserved bits 6-4 set; they are ignored');
  }
  const offset = u & 0x0f;
  return {
    specific: u,
    sensorType: (u >>> 16) & 0xff,
    eventType: (u >>> 8) & 0xff,
    direction: (u & 0x80) !== 0 ? 'deassertion' : 'assertion',
    offset,
    offsetSpecified: offset !== OFFSET_UNSPECIFIED,
  };
}

/**
 * The specific-trap number from a v2c snmpTrapOID.0 value `1.3.6.1.4.1.3183.1.1.0.<specific>`
 * (a leading dot is accepted). Returns undefined for any other OID, a missing or non-decimal last
 * arc, extra arcs, or a value above 0xFFFFFFFF. Plain character checks, no regular expression.
 */
export function specificFromTrapOid(oid: string): number | undefined {
  if (typeof oid !== 'string') {
    return undefined;
  }
  const start = oid.charCodeAt(0) === 46 /* . */ ? 1 : 0;
  if (!oid.startsWith(PET_TRAP_OID_PREFIX, start)) {
    return undefined;
  }
  const first = start + PET_TRAP_OID_PREFIX.length;
  const digits = oid.length - first;
  // 0xFFFFFFFF has 10 decimal digits: a longer arc is refused rather than parsed.
  if (digits < 1 || digits > 10) {
    return undefined;
  }
  let value = 0;
  for (let i = first; i < oid.length; i++) {
    const c = oid.charCodeAt(i) - 48;
    if (c < 0 || c > 9) {
      return undefined;
    }
    value = value * 10 + c;
  }
  return value <= 0xffffffff ? value : undefined;
}
