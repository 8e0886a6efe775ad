// Decoder of the PET variable binding (OID 1.3.6.1.4.1.3183.1.1.1), an OCTET STRING that the
// PET spec v1.0 sizes at 47..110 bytes, multi-byte fields most significant byte first:
//
//   0-15 GUID          16-17 sequence       18-21 local timestamp (s since 1998-01-01, 0 = none)
//   22-23 UTC offset (signed minutes, 0xFFFF = none)   24 trap source type   25 event source type
//   26 severity        27 sensor device     28 sensor number     29 entity     30 entity instance
//   31-38 event data   39 language code     40-43 manufacturer ID            44-45 system ID
//   46.. OEM custom fields, ended by 0xC1
//
// Contract: never throws, whatever the input (empty, 1 byte, 10 KB, random). Fields that are
// present are decoded, missing ones are listed, odd values are explained in `warnings`.

import { HEX_BYTE, hex2, hexOf } from './hex';
import { decodeOemFields } from './oem';
import { entityName, manufacturerName, severityName, sourceTypeName } from './tables';
import { PetData, PetDataFieldName } from './types';

/** The PET spec's size limits for the data varbind. */
export const PET_DATA_MIN_LENGTH = 47;
export const PET_DATA_MAX_LENGTH = 110;
/** Bytes before the OEM custom fields. */
export const PET_FIXED_LENGTH = 46;

/** 1998-01-01T00:00:00Z in milliseconds: the PET timestamp epoch. */
export const PET_EPOCH_MS = Date.UTC(1998, 0, 1);

/** Field name and the index just past its last byte, in byte order (for `missingFields`). */
const FIELD_ENDS: ReadonlyArray<readonly [PetDataFieldName, number]> = [
  ['guid', 16],
  ['sequence', 18],
  ['timestamp', 22],
  ['utcOffset', 24],
  ['trapSourceType', 25],
  ['eventSourceType', 26],
  ['severity', 27],
  ['sensorDevice', 28],
  ['sensorNumber', 29],
  ['entity', 30],
  ['entityInstance', 31],
  ['eventData', 39],
  ['languageCode', 40],
  ['manufacturerId', 44],
  ['systemId', 46],
  ['oemCustomFields', 47],
];

/** Highest plausible manufacturer ID: IANA numbers fit in the 3 bytes IPMI commands use. */
const MAX_PLAUSIBLE_MANUFACTURER_ID = 0x00ffffff;

/** Plausible UTC offsets: UTC-12:00 .. UTC+14:00. */
const MIN_UTC_OFFSET = -12 * 60;
const MAX_UTC_OFFSET = 14 * 60;

function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

function u32le(b: Uint8Array, i: number): number {
  return ((b[i + 3] << 24) | (b[i + 2] << 16) | (b[i + 1] << 8) | b[i]) >>> 0;
}

/** GUID bytes 0-15 as 8-4-4-4-12 hex, in received (most significant first) order. */
function formatGuid(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) {
      s += '-';
    }
    s += HEX_BYTE[b[i]];
  }
  return s;
}

function isoSeconds(ms: number): string {
  // 'YYYY-MM-DDTHH:MM:SS.sssZ' -> 'YYYY-MM-DDTHH:MM:SS'
  return new Date(ms).toISOString().slice(0, 19);
}

/** A PetData with every key present (one object shape for the engine), nothing decoded yet. */
function emptyResult(length: number): PetData {
  return {
    length,
    truncated: false,
    missingFields: [],
    guid: undefined,
    sequence: undefined,
    timestampSeconds: undefined,
    localTime: undefined,
    timestamp: undefined,
    timestampUtcAssumed: undefined,
    utcOffsetRaw: undefined,
    utcOffsetMinutes: undefined,
    trapSourceType: undefined,
    trapSourceTypeName: undefined,
    eventSourceType: undefined,
    eventSourceTypeName: undefined,
    severity: undefined,
    severityName: undefined,
    sensorDevice: undefined,
    sensorNumber: undefined,
    entity: undefined,
    entityName: undefined,
    entityInstance: undefined,
    eventData: undefined,
    languageCode: undefined,
    manufacturerId: undefined,
    manufacturerIdByteOrder: undefined,
    manufacturerName: undefined,
    systemId: undefined,
    oemCustomFields: undefined,
    oemTerminated: undefined,
    oemRawHex: undefined,
    trailingHex: undefined,
    warnings: [],
  };
}

/** Timestamp (18-21) and UTC offset (22-23); the offset is needed to turn local time into UTC. */
function decodeTime(b: Uint8Array, r: PetData): void {
  const len = b.length;
  if (len >= 24) {
    const raw = u16(b, 22);
    r.utcOffsetRaw = raw;
    if (raw !== 0xffff) {
      const minutes = raw >= 0x8000 ? raw - 0x10000 : raw;
      r.utcOffsetMinutes = minutes;
      if (minutes < MIN_UTC_OFFSET || minutes > MAX_UTC_OFFSET) {
        r.warnings.push('UTC offset ' + minutes + ' minutes is outside -720..+840');
      }
    }
  }
  if (len < 22) {
    return;
  }
  const seconds = u32(b, 18);
  r.timestampSeconds = seconds;
  if (seconds === 0) {
    return; // unspecified
  }
  const localMs = PET_EPOCH_MS + seconds * 1000;
  r.localTime = isoSeconds(localMs);
  if (r.utcOffsetMinutes !== undefined) {
    r.timestamp = new Date(localMs - r.utcOffsetMinutes * 60000).toISOString();
    r.timestampUtcAssumed = false;
  } else {
    r.timestamp = new Date(localMs).toISOString();
    r.timestampUtcAssumed = true;
  }
}

/** Manufacturer ID (40-43), spec big-endian, with the little-endian vendor quirk detected. */
function decodeManufacturer(b: Uint8Array, r: PetData): void {
  const be = u32(b, 40);
  const le = u32le(b, 40);
  let id = be;
  let order: 'big' | 'little' = 'big';
  if (be > MAX_PLAUSIBLE_MANUFACTURER_ID) {
    if (le <= MAX_PLAUSIBLE_MANUFACTURER_ID) {
      id = le;
      order = 'little';
      r.warnings.push(
        'manufacturer ID bytes ' +
          hexOf(b, 40, 44) +
          ' read little-endian as ' +
          le +
          ' (big-endian ' +
          be +
          ' is implausible)'
      );
    } else {
      r.warnings.push('manufacturer ID ' + be + ' is implausible in either byte order');
    }
  }
  r.manufacturerId = id;
  r.manufacturerIdByteOrder = order;
  r.manufacturerName = manufacturerName(id);
}

/** The fixed single-byte and small fields 24-39 and 44-45 that are present. */
function decodeFixed(b: Uint8Array, r: PetData): void {
  const len = b.length;
  if (len >= 25) {
    r.trapSourceType = b[24];
    r.trapSourceTypeName = sourceTypeName(b[24]);
  }
  if (len >= 26) {
    r.eventSourceType = b[25];
    r.eventSourceTypeName = sourceTypeName(b[25]);
  }
  if (len >= 27) {
    const sev = b[26];
    r.severity = sev;
    r.severityName = severityName(sev);
    // Defined values are 0 (unspecified) or a single bit 0x01..0x20.
    if (sev > 0x20 || (sev & (sev - 1)) !== 0) {
      r.warnings.push('severity ' + hex2(sev) + ' is not a defined PET severity');
    }
  }
  if (len >= 28) {
    r.sensorDevice = b[27];
  }
  if (len >= 29) {
    r.sensorNumber = b[28];
  }
  if (len >= 30) {
    r.entity = b[29];
    r.entityName = entityName(b[29]);
  }
  if (len >= 31) {
    r.entityInstance = b[30];
  }
  if (len >= 39) {
    r.eventData = hexOf(b, 31, 39);
  }
  if (len >= 40) {
    r.languageCode = b[39];
  }
  if (len >= 44) {
    decodeManufacturer(b, r);
  }
  if (len >= 46) {
    r.systemId = u16(b, 44);
  }
}

/** OEM custom fields (46..) and whatever follows their end marker. */
function decodeTail(b: Uint8Array, r: PetData): void {
  if (b.length <= PET_FIXED_LENGTH) {
    return;
  }
  r.oemRawHex = hexOf(b, PET_FIXED_LENGTH);
  const oem = decodeOemFields(b, PET_FIXED_LENGTH, r.warnings);
  r.oemCustomFields = oem.fields;
  r.oemTerminated = oem.terminated;
  if (oem.end < b.length) {
    r.trailingHex = hexOf(b, oem.end);
  }
}

/**
 * A byte view of `data` without copying: Buffer/Uint8Array as is, any other typed array or
 * DataView (also from another realm, where instanceof fails) as a Uint8Array over the same
 * memory, an ArrayBuffer wrapped. Undefined for anything else.
 */
function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) {
    return data;
  }
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
    return new Uint8Array(data as ArrayBuffer);
  }
  return undefined;
}

/**
 * Decode the PET data varbind. `data` should be a Buffer or Uint8Array (other byte views are
 * accepted); anything else gives an empty, truncated result with a warning. Never throws.
 */
export function decodePetData(data: unknown): PetData {
  const b = asBytes(data);
  if (b === undefined) {
    const r = emptyResult(0);
    r.truncated = true;
    r.missingFields = FIELD_ENDS.map((f) => f[0]);
    r.warnings.push('PET data is not a byte string (' + (data === null ? 'null' : typeof data) + ')');
    return r;
  }
  const len = b.length;
  const r = emptyResult(len);

  for (let i = 0; i < FIELD_ENDS.length; i++) {
    if (len < FIELD_ENDS[i][1]) {
      r.missingFields.push(FIELD_ENDS[i][0]);
    }
  }
  if (len < PET_DATA_MIN_LENGTH) {
    r.truncated = true;
    r.warnings.push('PET data is ' + len + ' bytes, shorter than the 47-byte minimum');
  } else if (len > PET_DATA_MAX_LENGTH) {
    r.warnings.push('PET data is ' + len + ' bytes, longer than the 110-byte maximum; extra bytes kept');
  }

  if (len >= 16) {
    r.guid = formatGuid(b);
  }
  if (len >= 18) {
    r.sequence = u16(b, 16);
  }
  decodeTime(b, r);
  decodeFixed(b, r);
  decodeTail(b, r);
  return r;
}
