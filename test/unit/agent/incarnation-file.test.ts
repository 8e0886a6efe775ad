import fs from 'node:fs';
import path from 'node:path';
import { INCARNATION_FILE, nextIncarnation } from '../../../backend/agent/incarnation-file';
import { newIncarnation } from '../../../backend/membership';
import { tempDir } from '../../support/isolation';

describe('persisted incarnation', () => {
  const dir = tempDir('lifeline-inc-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a fresh start takes a fresh incarnation and writes it', () => {
    const before = newIncarnation();
    const inc = nextIncarnation(dir);
    expect(inc >> 16n).toBeGreaterThanOrEqual(before >> 16n);
    expect(fs.readFileSync(path.join(dir, INCARNATION_FILE), 'utf8')).toBe(`${inc}\n`);
  });

  test('a persisted incarnation ahead of the clock (clock set back) is exceeded by one', () => {
    const ahead = newIncarnation(Date.now() + 3_600_000);
    fs.writeFileSync(path.join(dir, INCARNATION_FILE), `${ahead}\n`);
    expect(nextIncarnation(dir)).toBe(ahead + 1n);
    expect(nextIncarnation(dir)).toBe(ahead + 2n);
  });

  test('garbage in the file is reported and ignored', () => {
    fs.writeFileSync(path.join(dir, INCARNATION_FILE), 'nonsense');
    const warnings: string[] = [];
    const inc = nextIncarnation(dir, (m) => warnings.push(m));
    expect(inc).toBeGreaterThan(0n);
    expect(warnings[0]).toMatch(/does not hold an incarnation/);
  });
});
