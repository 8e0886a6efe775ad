/**
 * examples/compose/compose.yaml cannot run here (no Docker engine): what can be checked is
 * checked. Its structure, that every file it mounts exists, that Grafana gets every
 * environment variable the mounted provisioning files read, and that the addresses it gives
 * Grafana are the demo's (scripts/demo.mjs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { ROOT } from '../support/paths';

const DIR = path.join(ROOT, 'examples', 'compose');
const compose = load(fs.readFileSync(path.join(DIR, 'compose.yaml'), 'utf8')) as any;
const demo = fs.readFileSync(path.join(ROOT, 'scripts', 'demo.mjs'), 'utf8');
const constant = (name: string) => new RegExp(`const ${name} = ([^;]+);`).exec(demo)![1];

test('two services: the demo (built from this repository) and Grafana in its network namespace', () => {
  expect(Object.keys(compose.services).sort()).toEqual(['demo', 'grafana']);
  const { demo: d, grafana: g } = compose.services;
  expect(path.resolve(DIR, d.build.context)).toBe(ROOT);
  expect(d.build.dockerfile_inline).toMatch(/apt-get install .*openipmi ipmitool snmp prometheus/);
  expect(d.build.dockerfile_inline).toMatch(/npm ci && npm run build/);
  expect(d.command.join(' ')).toContain('node scripts/demo.mjs');
  expect(fs.existsSync(path.join(ROOT, 'scripts', 'demo.mjs'))).toBe(true);
  expect(g.network_mode).toBe('service:demo');
  expect(g.depends_on.demo.condition).toBe('service_healthy');
  expect(d.ports).toEqual(['3000:3000']);
});

test('every mounted folder exists, and Grafana has every variable its provisioning files use', () => {
  const g = compose.services.grafana;
  const mounted = (g.volumes as string[]).map((v) => v.split(':')).filter(([from]) => from.startsWith('.'));
  expect(mounted.length).toBe(4);
  const used = new Set<string>();
  for (const [from, to] of mounted) {
    const dir = path.resolve(DIR, from);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(to).toBe(`/etc/grafana/provisioning/${path.basename(dir)}`);
    for (const f of fs.readdirSync(dir)) {
      for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\$(?:__env)?\{([A-Z0-9_]+)\}/g)) {
        used.add(m[1]);
      }
    }
  }
  expect([...used].sort()).toEqual([
    'LIFELINE_ADMIN_TOKEN',
    'LIFELINE_AGENT_URL_1',
    'LIFELINE_AGENT_URL_2',
    'LIFELINE_OPERATOR_TOKEN',
    'LIFELINE_VIEWER_TOKEN',
    'PROMETHEUS_URL',
  ]);
  for (const v of used) {
    expect(g.environment[v]).toEqual(expect.any(String));
  }
  expect(g.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe('lifeline-cluster-app');
  expect(g.volumes).toContain('plugin:/var/lib/grafana/plugins/lifeline-cluster-app:ro');
});

test("Grafana's URLs are the demo's agent API and Prometheus, and both sides share one token (for every role)", () => {
  const env = compose.services.grafana.environment;
  expect(env.LIFELINE_AGENT_URL_1).toBe(`http://127.0.0.1:${constant('API_PORT')}`);
  expect(env.LIFELINE_AGENT_URL_2).toBe(`http://127.0.0.2:${constant('API_PORT')}`);
  expect(constant('PROMETHEUS')).toBe('`${at(0, 1)}:29090`');
  expect(env.PROMETHEUS_URL).toBe('http://127.0.0.1:29090');
  for (const role of ['VIEWER', 'OPERATOR', 'ADMIN']) {
    expect(env[`LIFELINE_${role}_TOKEN`]).toBe('${LIFELINE_DEMO_TOKEN}');
  }
  expect(compose.services.demo.environment.LIFELINE_DEMO_TOKEN).toMatch(/^\$\{LIFELINE_DEMO_TOKEN:\?/);
  expect(demo).toContain('process.env.LIFELINE_DEMO_TOKEN');
});
