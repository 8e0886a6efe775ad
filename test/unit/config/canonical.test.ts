import fs from 'node:fs';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import {
  canonicalJson,
  canonicalYaml,
  validateConfig,
  validateConfigText,
  type ClusterConfig,
} from '../../../backend/config/model';
import { configHash } from '../../../backend/config/hash';
import { maxConfig } from '../../support/max-config';
import { EXAMPLES } from '../../support/paths';

function valid(data: unknown): ClusterConfig {
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

function shuffleKeys(value: unknown, seed: { n: number }): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => shuffleKeys(v, seed));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      seed.n = (seed.n * 1103515245 + 12345) % 2 ** 31;
      const j = seed.n % (i + 1);
      [entries[i], entries[j]] = [entries[j], entries[i]];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed)]));
  }
  return value;
}

const inputs: Array<[string, () => unknown]> = [
  ['seed-cluster.yaml', () => parseYaml(fs.readFileSync(path.join(EXAMPLES, 'seed-cluster.yaml'), 'utf8'))],
  ['loopback-demo.yaml', () => parseYaml(fs.readFileSync(path.join(EXAMPLES, 'loopback-demo.yaml'), 'utf8'))],
  ['maximum-size config', () => maxConfig()],
];

describe('canonical form', () => {
  test.each(inputs)('%s: parse -> canonical -> parse is the identity (YAML and JSON)', (_n, load) => {
    const first = valid(load());
    const viaYaml = validateConfigText(canonicalYaml(first));
    const viaJson = validateConfigText(canonicalJson(first));
    expect(viaYaml).toEqual({ ok: true, config: first });
    expect(viaJson).toEqual({ ok: true, config: first });
    // And the canonical text is a fixed point.
    if (viaYaml.ok) {
      expect(canonicalYaml(viaYaml.config)).toBe(canonicalYaml(first));
    }
  });

  test.each(inputs)('%s: key order and omitted defaults do not change the canonical text or hash', (_n, load) => {
    const first = valid(load());
    for (let n = 1; n <= 5; n++) {
      const shuffled = valid(shuffleKeys(load(), { n }));
      expect(canonicalJson(shuffled)).toBe(canonicalJson(first));
      expect(configHash(shuffled)).toBe(configHash(first));
    }
  });

  test('per-server maps follow server order and defaults are written out', () => {
    const c = valid(parseYaml(fs.readFileSync(path.join(EXAMPLES, 'seed-cluster.yaml'), 'utf8')));
    const text = canonicalYaml(c);
    expect(text.indexOf('server1: 192.168.0.1')).toBeLessThan(text.indexOf('server2: 192.168.0.2'));
    expect(text).toContain('intervalMs: 1000');
    expect(text).toContain('port: 623');
    expect(configHash(c)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a real change changes the hash', () => {
    const a = valid(maxConfig());
    const changed = maxConfig();
    changed.groups[5].autoFailback = true;
    expect(configHash(valid(changed))).not.toBe(configHash(a));
  });
});
