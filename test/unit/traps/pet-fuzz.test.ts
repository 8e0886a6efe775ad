// Property-style robustness test: decodePet must never throw and must always return the
// specific-trap fields, for random data, random lengths, odd specific numbers and bit-flipped
// real fixtures. Deterministic: the PRNG below is seeded.
import { classifyPet, decodePet, DecodedPet } from '../../../backend/traps/pet';
import { FIXTURES, loadPetFixture } from './pet-fixtures';
import { prng } from '../../support/prng';

const CLASSES = ['fatal', 'recoverable', 'informational'];

/** No Buffer / typed array anywhere in the result: it must be plain data. */
function hasBytes(v: unknown): boolean {
  if (v instanceof Uint8Array || ArrayBuffer.isView(v)) {
    return true;
  }
  if (v !== null && typeof v === 'object') {
    return Object.values(v as object).some(hasBytes);
  }
  return false;
}

/** Checks every decoded PET must pass; returns a failure description or '' (cheap enough for 20k runs). */
function check(pet: DecodedPet, dataLength: number | undefined): string {
  if (typeof pet !== 'object' || pet === null) {
    return 'not an object';
  }
  for (const k of ['specific', 'sensorType', 'eventType', 'offset'] as const) {
    if (typeof pet[k] !== 'number' || !Number.isInteger(pet[k])) {
      return k + ' is not an integer';
    }
  }
  if (pet.sensorType > 0xff || pet.eventType > 0xff || pet.offset > 0x0f) {
    return 'field out of range';
  }
  if (pet.direction !== 'assertion' && pet.direction !== 'deassertion') {
    return 'bad direction';
  }
  for (const k of ['sensorTypeName', 'eventTypeName', 'eventCategory', 'offsetName', 'description'] as const) {
    if (typeof pet[k] !== 'string' || pet[k].length === 0) {
      return k + ' is not a non-empty string';
    }
  }
  if (!Array.isArray(pet.warnings)) {
    return 'warnings is not an array';
  }
  // The last-resort catch in decodePet must never be what kept us alive.
  if (pet.warnings.some((w) => w.startsWith('internal PET decoder error'))) {
    return pet.warnings.join('; ');
  }
  if (dataLength !== undefined) {
    if (pet.data === undefined || pet.data.length !== dataLength) {
      return 'data length mismatch';
    }
    if (pet.data.truncated !== dataLength < 47) {
      return 'truncated flag wrong';
    }
  }
  if (!CLASSES.includes(classifyPet(pet).classification)) {
    return 'bad classification';
  }
  return '';
}

describe('decodePet never throws', () => {
  test('20,000 random buffers of 0..300 bytes with random specific numbers', () => {
    const rnd = prng(0x5eed1234);
    const failures: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const len = Math.floor(rnd() * 301);
      const data = Buffer.alloc(len);
      for (let j = 0; j < len; j++) {
        data[j] = Math.floor(rnd() * 256);
      }
      // Mostly valid 24-bit numbers, sometimes odd ones.
      const pick = rnd();
      const specific =
        pick < 0.8
          ? Math.floor(rnd() * 0x1000000)
          : pick < 0.9
            ? Math.floor(rnd() * 0x100000000) - 0x80000000
            : [NaN, Infinity, -1, 1.5, 2 ** 40][Math.floor(rnd() * 5)];
      let pet: DecodedPet;
      try {
        pet = decodePet({ specific, data });
      } catch (err) {
        failures.push(`#${i} threw ${String(err)}`);
        continue;
      }
      const problem = check(pet, len);
      if (problem !== '') {
        failures.push(`#${i} (len ${len}, specific ${specific}): ${problem}`);
      }
      // Serialisable: a JSON round trip gives the same value, and no byte arrays inside.
      if (i % 10 === 0 && (hasBytes(pet) || JSON.stringify(JSON.parse(JSON.stringify(pet))) !== JSON.stringify(pet))) {
        failures.push(`#${i}: result is not plain data`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  test('every single-bit flip and 2,000 random multi-bit flips of each fixture', () => {
    const rnd = prng(42);
    const failures: string[] = [];
    let runs = 0;
    const specifics = [880385, 262402, 262530, 487168, 814848, 356096];
    for (const [fi, name] of Object.values(FIXTURES).entries()) {
      const original = loadPetFixture(name);
      const specific = specifics[fi];
      for (let bit = 0; bit < original.length * 8; bit++) {
        const data = Buffer.from(original);
        data[bit >> 3] ^= 1 << (bit & 7);
        runs++;
        const problem = check(decodePet({ specific: specific ^ (1 << (bit % 24)), data }), data.length);
        if (problem !== '') {
          failures.push(`${name} bit ${bit}: ${problem}`);
        }
      }
      for (let k = 0; k < 2000; k++) {
        // Flip a few bits, and sometimes cut or extend the buffer.
        const cut = rnd() < 0.3 ? Math.floor(rnd() * (original.length + 1)) : original.length;
        const extra = rnd() < 0.2 ? Math.floor(rnd() * 64) : 0;
        const data = Buffer.concat([original.subarray(0, cut), Buffer.alloc(extra, 0xc1)]);
        const flips = 1 + Math.floor(rnd() * 8);
        for (let f = 0; f < flips && data.length > 0; f++) {
          const bit = Math.floor(rnd() * data.length * 8);
          data[bit >> 3] ^= 1 << (bit & 7);
        }
        runs++;
        const problem = check(decodePet({ specific, data }), data.length);
        if (problem !== '') {
          failures.push(`${name} random ${k}: ${problem}`);
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(runs).toBe((47 + 47 + 68 + 20 + 200 + 58) * 8 + 6 * 2000);
  });

  test('10 KB of data and of 0xC1 / type-length bytes stay bounded', () => {
    const big = Buffer.alloc(10 * 1024, 0x3f); // 0x3F = binary field of 63 bytes, repeated
    const pet = decodePet({ specific: 880385, data: big });
    expect(check(pet, big.length)).toBe('');
    expect(pet.data?.oemCustomFields?.length).toBeLessThanOrEqual(64);
    expect(pet.data?.oemRawHex?.length).toBe((big.length - 46) * 2);
    const markers = decodePet({ specific: 880385, data: Buffer.alloc(10 * 1024, 0xc1) });
    expect(markers.data?.oemTerminated).toBe(true);
    expect(markers.data?.trailingHex?.length).toBe((10 * 1024 - 47) * 2);
  });

  test('garbage inputs of the wrong type', () => {
    const inputs: unknown[] = [
      undefined,
      null,
      42,
      'trap',
      {},
      { specific: {} },
      { specific: Symbol('x') },
      { specific: 880385, data: 'c1' },
      { specific: 880385, data: [1, 2, 3] },
      { specific: 880385, data: { length: 5 } },
      { specific: 880385, data: new Float64Array(8) },
    ];
    for (const input of inputs) {
      const pet = decodePet(input as { specific: number });
      expect(check(pet, undefined)).toBe('');
    }
  });
});
