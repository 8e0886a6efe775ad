// Loads the PET byte fixtures in test/fixtures/pet/*.hex: hex text, whitespace-separated,
// lines starting with '#' are comments (a header describing the capture, then one comment
// line per field).
import { readFileSync } from 'fs';
import { join } from 'path';

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'pet');

export function loadPetFixture(name: string): Buffer {
  const text = readFileSync(join(FIXTURE_DIR, name), 'utf8');
  const hex = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) {
    throw new Error(`fixture ${name} is not an even-length hex string`);
  }
  return Buffer.from(hex, 'hex');
}

export const FIXTURES = {
  full: 'full-processor-ierr.hex',
  supermicro: 'supermicro-le-manufacturer.hex',
  oem: 'oem-custom-fields.hex',
  short: 'short-20-bytes.hex',
  oversized: 'oversized-200-bytes.hex',
  dell: 'dell-bare-text-oem.hex',
} as const;
