import fs from 'node:fs';
import path from 'node:path';
import { lifeline } from '../support/cli';
import { EXAMPLES, ROOT } from '../support/paths';
import { tempDir } from '../support/isolation';

const seed = path.join(EXAMPLES, 'seed-cluster.yaml');
const tmp = tempDir('lifeline-cli-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lifeline CLI: help, version, exit codes', () => {
  test('--help lists commands and exit codes', () => {
    const r = lifeline(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('config');
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 invalid input, 2 usage error/);
  });

  test('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(lifeline(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  test('usage errors exit 2', () => {
    expect(lifeline(['frobnicate']).code).toBe(2);
    expect(lifeline(['config', 'validate']).code).toBe(2);
    expect(lifeline(['config', 'validate', seed, '--bogus']).code).toBe(2);
  });
});

describe('lifeline config validate', () => {
  test('a valid file exits 0 with a summary', () => {
    const r = lifeline(['config', 'validate', seed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /valid: cluster "cluster", 2 servers, 3 interconnects, 1 group, 2 monitors \(hash [0-9a-f]{12}\)/
    );
  });

  test('an invalid file exits 1 listing every problem with its path', () => {
    const bad = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(
      bad,
      fs
        .readFileSync(seed, 'utf8')
        .replace('keyword: 192.168.0.2', 'keyword: 192.168.0.2:70000')
        .replace('target: failover1', 'target: failover9')
    );
    const r = lifeline(['config', 'validate', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 problems');
    expect(r.stderr).toContain('monitors[1].perServer.server2.keyword: port 70000 is out of range 1-65535');
    expect(r.stderr).toContain('monitors[1].recovery.target: no group is named "failover9"');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // never a stack trace
  });

  test('--json gives machine-readable problems', () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ cluster: { name: 'x', secret: { env: 'S' } }, servers: [], interconnects: [] })
    );
    const r = lifeline(['config', 'validate', '--json', bad]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      problems: [
        { path: 'servers', message: 'list at least one server' },
        { path: 'interconnects', message: 'list at least one interconnect' },
      ],
    });
  });

  test('a missing file and garbage bytes are clear errors, not crashes', () => {
    expect(lifeline(['config', 'validate', path.join(tmp, 'nope.yaml')])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no such file'),
    });
    const junk = path.join(tmp, 'junk.yaml');
    fs.writeFileSync(junk, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x5b, 0x3a, 0x0a, 0x2d]));
    const r = lifeline(['config', 'validate', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\d+ problems?\n/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('lifeline config show', () => {
  test('prints the canonical YAML, which validates and shows identically', () => {
    const first = lifeline(['config', 'show', seed]);
    expect(first.code).toBe(0);
    const canonical = path.join(tmp, 'canonical.yaml');
    fs.writeFileSync(canonical, first.stdout);
    expect(lifeline(['config', 'show', canonical]).stdout).toBe(first.stdout);
  });

  test('--json prints the same configuration as JSON', () => {
    const yaml = lifeline(['config', 'show', seed]).stdout;
    const json = lifeline(['config', 'show', '--json', seed]);
    expect(json.code).toBe(0);
    const asJson = path.join(tmp, 'c.json');
    fs.writeFileSync(asJson, json.stdout);
    expect(lifeline(['config', 'show', asJson]).stdout).toBe(yaml);
  });

  test('config schema prints a JSON Schema', () => {
    const r = lifeline(['config', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(Object.keys(schema.properties)).toEqual([
      'cluster',
      'servers',
      'interconnects',
      'partition',
      'fencing',
      'watchdog',
      'groups',
      'traps',
      'api',
      'monitors',
    ]);
  });
});
