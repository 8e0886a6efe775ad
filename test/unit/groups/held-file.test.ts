import fs from 'node:fs';
import path from 'node:path';
import { HELD_FILE, HeldFile } from '../../../backend/groups/held-file';
import { tempDir } from '../../support/isolation';

const dir = () => tempDir('lifeline-held-');

test('written as it changes, read back by the next run (only groups still configured)', () => {
  const d = dir();
  const warnings: string[] = [];
  const f = new HeldFile(d, (m) => warnings.push(m));
  expect(f.read(['web', 'db'])).toEqual([]);
  f.write(['web', 'gone']);
  expect(new HeldFile(d, (m) => warnings.push(m)).read(['web', 'db'])).toEqual(['web']);
  expect(fs.readdirSync(d)).toEqual([HELD_FILE]); // no temporary left behind
  expect(warnings).toEqual([]);
});

test('unreadable content: every group is released, with a warning', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, HELD_FILE), '["web", 3');
  const warnings: string[] = [];
  expect(new HeldFile(d, (m) => warnings.push(m)).read(['web', 'db'])).toEqual(['web', 'db']);
  expect(warnings[0]).toMatch(/groups-held.json is not readable .*releasing every group to be safe/);
});

test('a state directory that cannot be written costs a warning, not the agent', () => {
  const d = dir();
  fs.writeFileSync(path.join(d, 'file'), '');
  const warnings: string[] = [];
  new HeldFile(path.join(d, 'file', 'sub'), (m) => warnings.push(m)).write(['web']);
  expect(warnings[0]).toMatch(/^cannot write .*groups-held.json: ENOTDIR/);
});
