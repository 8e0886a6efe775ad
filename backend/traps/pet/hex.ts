// Byte -> text helpers shared by the PET decoder.
//
// The decoder runs for every received trap (50k+/s), so formatting uses a table of the 256
// two-digit strings built once at load time instead of per-call toString(16)/padStart.

/** '00'..'ff' indexed by byte value. */
export const HEX_BYTE: readonly string[] = (() => {
  const digits = '0123456789abcdef';
  const out: string[] = new Array(256);
  for (let i = 0; i < 256; i++) {
    out[i] = digits[i >> 4] + digits[i & 0x0f];
  }
  return out;
})();

/** Lower-case hex of bytes[start, end) without separators; end is clamped to the array. */
export function hexOf(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const stop = end < bytes.length ? end : bytes.length;
  let s = '';
  for (let i = start; i < stop; i++) {
    s += HEX_BYTE[bytes[i]];
  }
  return s;
}

/** '0x00'..'0xFF' indexed by byte value: how codes are shown in names and warnings. */
const CODE_BYTE: readonly string[] = HEX_BYTE.map((h) => '0x' + h.toUpperCase());

/** '0x0D' style rendering of one code byte, used in readable fallbacks ("sensor type 0x9A (OEM)"). */
export function hex2(value: number): string {
  return CODE_BYTE[value & 0xff];
}
