/**
 * The Prometheus alerting rules (provisioning/prometheus/lifeline-rules.yaml) with Debian's
 * promtool: `check rules`, and `test rules` on test/fixtures/prometheus/lifeline-rules.test.yaml,
 * which feeds series to every alert and expects each one to fire on some input and not on
 * another. A wrong expectation makes promtool exit 1 (shown below on a broken copy).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { ROOT } from '../../support/paths';
import { tempDir } from '../../support/isolation';

const RULES = path.join(ROOT, 'provisioning', 'prometheus', 'lifeline-rules.yaml');
const TESTS = path.join(ROOT, 'test', 'fixtures', 'prometheus', 'lifeline-rules.test.yaml');

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string; for?: string }> }>;
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: Array<{ exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }>;
}
interface TestFile {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test?: AlertTest[] }>;
}

function promtool(args: string[], cwd = ROOT) {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const rules = load(fs.readFileSync(RULES, 'utf8')) as RuleFile;
const tests = load(fs.readFileSync(TESTS, 'utf8')) as TestFile;
const alertTests = tests.tests.flatMap((t) => t.alert_rule_test ?? []);

test('promtool check rules accepts the rule file', () => {
  const r = promtool(['check', 'rules', RULES]);
  expect(r).toMatchObject({ code: 0 });
  const alerts = rules.groups.flatMap((g) => g.rules).filter((x) => x.alert);
  expect(r.out).toContain(`SUCCESS: ${alerts.length} rules found`);
});

test('promtool test rules: every expectation of the test file holds', () => {
  const r = promtool(['test', 'rules', TESTS]);
  expect(r).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
});

test('the test file loads the real rule file', () => {
  expect(tests.rule_files.map((f) => path.resolve(path.dirname(TESTS), f))).toEqual([RULES]);
});

test('every alert has a case where it fires and a case where it does not', () => {
  const names = rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter(Boolean) as string[];
  expect(names.length).toBeGreaterThanOrEqual(12);
  const fires = new Set(alertTests.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname));
  const quiet = new Set(alertTests.filter((t) => t.exp_alerts.length === 0).map((t) => t.alertname));
  expect(names.filter((n) => !fires.has(n))).toEqual([]);
  expect(names.filter((n) => !quiet.has(n))).toEqual([]);
  // No test names an alert that does not exist (promtool would just expect nothing of it).
  expect([...fires, ...quiet].filter((n) => !names.includes(n))).toEqual([]);
});

test('every alert has a severity (critical or warning), a summary and a description', () => {
  for (const rule of rules.groups.flatMap((g) => g.rules)) {
    const r = rule as { alert: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    expect({ alert: r.alert, severity: r.labels?.severity }).toEqual({
      alert: r.alert,
      severity: expect.stringMatching(/^(critical|warning)$/),
    });
    expect(Object.keys(r.annotations ?? {}).sort()).toEqual(['description', 'summary']);
  }
});

describe('the check can fail', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('lifeline-rules-');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the test file (rule file by absolute path) with `change` applied. */
  function brokenCopy(change: (t: TestFile) => void): string {
    const copy = load(fs.readFileSync(TESTS, 'utf8')) as TestFile;
    copy.rule_files = [RULES];
    change(copy);
    const file = path.join(dir, `broken-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, dump(copy, { lineWidth: -1 }));
    return file;
  }

  test('an alert expected not to fire that does fire makes promtool exit 1', () => {
    const file = brokenCopy((t) => {
      const agentDown = t.tests[0].alert_rule_test!.find((a) => a.exp_alerts.length > 0)!;
      agentDown.exp_alerts = [];
    });
    const r = promtool(['test', 'rules', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED[\s\S]*alertname: LifelineAgentDown/);
  });

  test('a wrong label value in an expectation makes promtool exit 1', () => {
    const file = brokenCopy((t) => {
      const fatal = t.tests
        .flatMap((x) => x.alert_rule_test ?? [])
        .find((a) => a.alertname === 'LifelineBmcFatalEvent' && a.exp_alerts.length > 0)!;
      fatal.exp_alerts[0].exp_labels!.severity = 'warning';
    });
    const r = promtool(['test', 'rules', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED[\s\S]*alertname: LifelineBmcFatalEvent/);
  });

  test('a rule file with an invalid expression fails promtool check rules', () => {
    const broken = load(fs.readFileSync(RULES, 'utf8')) as RuleFile;
    broken.groups[0].rules[0].expr = 'up{job="lifeline" == 0';
    const file = path.join(dir, 'broken-rules.yaml');
    fs.writeFileSync(file, dump(broken));
    expect(promtool(['check', 'rules', file]).code).toBe(1);
  });
});
