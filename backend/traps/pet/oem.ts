// PET "OEM custom fields" (data byte 46 onwards).
//
// The PET spec encodes them like FRU fields: a type/length byte (bits 7-6 type, bits 5-0 number
// of data bytes) then the data, repeated, and the list ends with 0xC1. Types:
//   00 binary / unspecified   01 BCD plus   10 6-bit packed ASCII   11 8-bit text (Latin-1)
// Real BMCs differ: Dell, for one, puts a bare ASCII host name followed by 0xC1. So decoding is
// tolerant and layered:
//   1. parse type/length records; accept them if they end exactly at 0xC1 or at the end of data;
//   2. otherwise, if the bytes before the first 0xC1 are all printable ASCII, report that text;
//   3. otherwise keep the records parsed so far and warn. The raw bytes are always reported.
// Nothing here throws; every loop is bounded by the data length.

import { hexOf } from './hex';

export type OemFieldEncoding = 'binary' | 'bcd-plus' | '6-bit-ascii' | '8-bit-text' | 'raw-text';

/** One decoded OEM custom field. */
export interface PetOemField {
  /** Position of the field's first byte (type/length byte, or first text byte) in the PET data. */
  offset: number;
  /** The type/length byte; absent for a bare-text ('raw-text') field. */
  typeLength?: number;
  encoding: OemFieldEncoding;
  /** Number of data bytes. */
  length: number;
  /** Data bytes as lower-case hex. */
  hex: string;
  /** Decoded text for text encodings (BCD plus, 6-bit ASCII, 8-bit text, raw text). */
  text?: string;
}

export interface OemDecodeResult {
  fields: PetOemField[];
  /** true when the 0xC1 end marker was found. */
  terminated: boolean;
  /** Index just after the end marker (or after the last field decoded); bytes from here are trailing. */
  end: number;
}

/** End-of-fields marker (type 11, length 1: never a real field). */
export const OEM_END_MARKER = 0xc1;

/** Upper bound on decoded fields, so 10 KB of junk cannot make a huge array. */
const MAX_FIELDS = 64;

const ENCODINGS: readonly OemFieldEncoding[] = ['binary', 'bcd-plus', '6-bit-ascii', '8-bit-text'];
const BCD_PLUS = '0123456789 -.???';

/** BCD plus: two characters per byte, high nibble first. */
function bcdPlus(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    s += BCD_PLUS[bytes[i] >> 4] + BCD_PLUS[bytes[i] & 0x0f];
  }
  return s;
}

/** 6-bit packed ASCII: each 6 bits (least significant first) is a character 0x20 + value. */
function sixBitAscii(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    acc |= bytes[i] << bits;
    bits += 8;
    while (bits >= 6) {
      s += String.fromCharCode((acc & 0x3f) + 0x20);
      acc >>>= 6;
      bits -= 6;
    }
  }
  return s;
}

/** Latin-1 text; control characters are shown as '.' so the result is safe to log. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    s += c < 0x20 || (c >= 0x7f && c < 0xa0) ? '.' : String.fromCharCode(c);
  }
  return s;
}

function decodeText(encoding: OemFieldEncoding, bytes: Uint8Array, start: number, end: number): string | undefined {
  switch (encoding) {
    case 'bcd-plus':
      return bcdPlus(bytes, start, end);
    case '6-bit-ascii':
      return sixBitAscii(bytes, start, end);
    case '8-bit-text':
    case 'raw-text':
      return latin1(bytes, start, end);
    default:
      return undefined;
  }
}

/** Step 1: type/length records. `ok` only if they end at 0xC1 or exactly at the data's end. */
function parseRecords(bytes: Uint8Array, start: number): OemDecodeResult & { ok: boolean } {
  const fields: PetOemField[] = [];
  let i = start;
  while (i < bytes.length) {
    const tl = bytes[i];
    if (tl === OEM_END_MARKER) {
      return { fields, terminated: true, end: i + 1, ok: true };
    }
    const length = tl & 0x3f;
    const dataStart = i + 1;
    const dataEnd = dataStart + length;
    if (dataEnd > bytes.length || fields.length >= MAX_FIELDS) {
      return { fields, terminated: false, end: i, ok: false };
    }
    const encoding = ENCODINGS[tl >> 6];
    fields.push({
      offset: i,
      typeLength: tl,
      encoding,
      length,
      hex: hexOf(bytes, dataStart, dataEnd),
      text: decodeText(encoding, bytes, dataStart, dataEnd),
    });
    i = dataEnd;
  }
  return { fields, terminated: false, end: i, ok: true };
}

/** Step 2: printable ASCII up to the first 0xC1 (Dell style). Undefined if that is not the shape. */
function parseBareText(bytes: Uint8Array, start: number): OemDecodeResult | undefined {
  let i = start;
  while (i < bytes.length && bytes[i] !== OEM_END_MARKER) {
    const c = bytes[i];
    if (c < 0x20 || c > 0x7e) {
      return undefined;
    }
    i++;
  }
  if (i === start || i >= bytes.length) {
    return undefined;
  }
  const field: PetOemField = {
    offset: start,
    encoding: 'raw-text',
    length: i - start,
    hex: hexOf(bytes, start, i),
    text: latin1(bytes, start, i),
  };
  return { fields: [field], terminated: true, end: i + 1 };
}

/** Decode the OEM custom fields starting at `start`; problems are appended to `warnings`. */
export function decodeOemFields(bytes: Uint8Array, start: number, warnings: string[]): OemDecodeResult {
  if (start >= bytes.length) {
    return { fields: [], terminated: false, end: start };
  }
  const records = parseRecords(bytes, start);
  if (records.ok) {
    if (!records.terminated) {
      warnings.push('OEM custom fields are not ended by 0xC1');
    }
    return { fields: records.fields, terminated: records.terminated, end: records.end };
  }
  const text = parseBareText(bytes, start);
  if (text !== undefined) {
    warnings.push('OEM custom fields hold bare text without type/length bytes; decoded as text');
    return text;
  }
  warnings.push(
    'OEM custom fields are malformed at byte ' + records.end + ' (field longer than the data, or too many fields)'
  );
  return { fields: records.fields, terminated: false, end: records.end };
}
