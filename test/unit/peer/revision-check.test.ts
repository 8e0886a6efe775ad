import { configHash } from '../../../backend/config/hash';
import { validateConfig } from '../../../backend/config/model';
import { checkRevision } from '../../../backend/peer/revision-check';
import { maxConfig } from '../../support/max-config';

const data = maxConfig({ servers: 3, interconnects: 2, groups: 1, monitors: 1 });
const valid = validateConfig(data);
if (!valid.ok) {
  throw new Error('bad fixture');
}
const hash = configHash(valid.config);

test('a valid, newer revision is taken, with its parsed configuration and hash', () => {
  const v = checkRevision({ config: data, revision: 5, hash, listing: 'server1' }, 4);
  expect(v).toEqual({ ok: true, config: valid.config, hash });
  expect(checkRevision({ config: data, revision: 5, base: 4 }, 4)).toMatchObject({ ok: true, hash });
});

test('an invalid configuration is refused with its problems', () => {
  const v = checkRevision({ config: { ...data, servers: 'none' }, revision: 5 }, 4);
  expect(v).toMatchObject({ ok: false, kind: 'invalid' });
  expect(v.ok === false && v.kind === 'invalid' && v.problems.length).toBeGreaterThan(0);
});

test('another content than the expected hash is refused, with the hash it has', () => {
  expect(checkRevision({ config: data, revision: 5, hash: 'f'.repeat(64) }, 4)).toEqual({
    ok: false,
    kind: 'hash-mismatch',
    hash,
  });
});

test('a configuration that does not list the server that must run it is refused; unnamed, anything goes', () => {
  expect(checkRevision({ config: data, revision: 5, listing: 'server9' }, 4)).toEqual({
    ok: false,
    kind: 'not-listed',
  });
  expect(checkRevision({ config: data, revision: 5 }, 4).ok).toBe(true);
});

test('newer: above the current revision, or for a two-phase change based on exactly it', () => {
  expect(checkRevision({ config: data, revision: 4 }, 4)).toEqual({ ok: false, kind: 'stale', current: 4 });
  expect(checkRevision({ config: data, revision: 3 }, 4)).toMatchObject({ kind: 'stale' });
  // A change based on revision 3 while 4 is current lost a race (or was edited from a stale copy).
  expect(checkRevision({ config: data, revision: 4, base: 3 }, 4)).toMatchObject({ kind: 'stale' });
  expect(checkRevision({ config: data, revision: 6, base: 5 }, 4)).toMatchObject({ kind: 'stale' });
});

test('checks run in order: the first failing one is the verdict', () => {
  const invalid = { ...data, servers: [] };
  expect(checkRevision({ config: invalid, revision: 1, hash: 'f'.repeat(64), listing: 'x' }, 4)).toMatchObject({
    kind: 'invalid',
  });
  expect(checkRevision({ config: data, revision: 1, hash: 'f'.repeat(64), listing: 'x' }, 4)).toMatchObject({
    kind: 'hash-mismatch',
  });
  expect(checkRevision({ config: data, revision: 1, hash, listing: 'x' }, 4)).toMatchObject({ kind: 'not-listed' });
  expect(checkRevision({ config: data, revision: 1, hash, listing: 'server2' }, 4)).toMatchObject({ kind: 'stale' });
});
