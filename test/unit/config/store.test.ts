import fs from 'node:fs';
import path from 'node:path';
import { ConfigStore, RevisionConflictError } from '../../../backend/config/store';
import { validateConfig, type ClusterConfig } from '../../../backend/config/model';
import { maxConfig } from '../../support/max-config';
import { tempDir } from '../../support/isolation';

function config(name: string): ClusterConfig {
  const data = maxConfig({ servers: 2, interconnects: 2, groups: 1, monitors: 2 });
  data.cluster.name = name;
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

let dir: string;
beforeEach(() => {
  dir = tempDir('lifeline-store-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ConfigStore', () => {
  test('an empty store has no current revision', () => {
    expect(new ConfigStore(dir).current()).toBeUndefined();
  });

  test('revisions increase monotonically and the newest is current', () => {
    const store = new ConfigStore(dir);
    const a = store.apply(config('a'), 'test');
    const b = store.apply(config('b'), 'test');
    expect([a.revision, b.revision]).toEqual([1, 2]);
    expect(store.current()?.config.cluster.name).toBe('b');
    expect(new ConfigStore(dir).current()?.revision).toBe(2);
    expect(store.history().map((h) => h.revision)).toEqual([2, 1]);
  });

  test('a peer revision is stored as given, an old one is refused', () => {
    const store = new ConfigStore(dir);
    store.apply(config('a'), 'test');
    expect(store.apply(config('p'), 'peer:server2', 7).revision).toBe(7);
    expect(() => store.apply(config('old'), 'peer:server2', 5)).toThrow(RevisionConflictError);
    expect(store.current()?.config.cluster.name).toBe('p');
  });

  test('two stores racing for the same revision: exactly one wins', () => {
    const s1 = new ConfigStore(dir);
    const s2 = new ConfigStore(dir);
    s1.apply(config('x'), 'test', 3);
    expect(() => s2.apply(config('y'), 'test', 3)).toThrow(RevisionConflictError);
    expect(s2.current()?.config.cluster.name).toBe('x');
  });

  test('rollback writes the old content as a new revision', () => {
    const store = new ConfigStore(dir);
    const a = store.apply(config('a'), 'test');
    store.apply(config('b'), 'test');
    const r = store.rollback(1);
    expect(r.revision).toBe(3);
    expect(r.hash).toBe(a.hash);
    expect(r.source).toBe('rollback:1 by cli');
    expect(() => store.rollback(99)).toThrow(/revision 99 is not in the store/);
  });

  test('only the newest revisions are kept', () => {
    const store = new ConfigStore(dir, 3);
    for (let i = 0; i < 6; i++) {
      store.apply(config(`c${i}`), 'test');
    }
    expect(store.history().map((h) => h.revision)).toEqual([6, 5, 4]);
  });

  test('a corrupt newest file is skipped, the previous good revision stays current', () => {
    const store = new ConfigStore(dir);
    store.apply(config('good'), 'test');
    fs.writeFileSync(path.join(dir, 'rev-000000000002.json'), '{"format":1,"revision":2,"hash":"x","con');
    expect(store.current()?.config.cluster.name).toBe('good');
    // A tampered file (hash mismatch) is skipped too.
    const text = fs.readFileSync(path.join(dir, 'rev-000000000001.json'), 'utf8').replace('"good"', '"evil"');
    fs.writeFileSync(path.join(dir, 'rev-000000000003.json'), text.replace('"revision": 1', '"revision": 3'));
    expect(store.current()?.revision).toBe(1);
  });

  test('stale temporaries of a dead writer are removed', () => {
    fs.writeFileSync(path.join(dir, '.tmp-999999999-5-1'), 'partial');
    new ConfigStore(dir);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
