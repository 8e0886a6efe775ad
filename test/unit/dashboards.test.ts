/**
 * The Grafana dashboards (src/dashboards) and the Prometheus alerting rules
 * (provisioning/prometheus) against what the agent really exports: every metric name in a panel
 * query, a template variable or a rule expression must be a sample name of the live exposition
 * in test/fixtures/prometheus/agent-metrics.prom (captured from a real agent by
 * test/integration/monitoring/prometheus.test.ts, which also fails when it goes stale), and
 * every `lifeline_` metric registered in backend/ must be in that fixture. plugin.json must
 * include every dashboard.
 */
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { defaultDashboard } from '@grafana/schema';
import { ROOT } from '../support/paths';

const DASHBOARDS = path.join(ROOT, 'src', 'dashboards');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'prometheus', 'agent-metrics.prom');
const RULES = path.join(ROOT, 'provisioning', 'prometheus', 'lifeline-rules.yaml');

/** Sample names of an exposition, from its TYPE lines (histograms and summaries expanded). */
export function sampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/.exec(line);
    if (!m) {
      continue;
    }
    const [, name, type] = m;
    names.add(name);
    if (type === 'histogram') {
      ['_bucket', '_sum', '_count'].forEach((s) => names.add(name + s));
    } else if (type === 'summary') {
      ['_sum', '_count'].forEach((s) => names.add(name + s));
    }
  }
  return names;
}

const KEYWORDS = new Set(
  [
    'and',
    'or',
    'unless',
    'by',
    'without',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'offset',
    'bool',
    'inf',
    'nan',
    // aggregation operators, also when `by (...)` comes between them and their argument
    'sum',
    'min',
    'max',
    'avg',
    'group',
    'stddev',
    'stdvar',
    'count',
    'count_values',
    'bottomk',
    'topk',
    'quantile',
  ].map((k) => k.toLowerCase())
);

/** Metric names used by a PromQL expression (Grafana variables allowed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers (and ${variables} inside them)
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ') // label lists
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ') // Grafana variables left outside matchers
    .replace(/(?<![A-Za-z0-9_:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:ms|[smhdwy])*/g, ' '); // numbers, durations
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase())) {
      continue; // a function, an aggregation or a keyword
    }
    names.push(m[0]);
  }
  return [...new Set(names)];
}

/** The PromQL inside a Grafana Prometheus variable query (`label_values(expr, label)`, ...). */
function variableExpr(query: string): string {
  const m = /^\s*(?:label_values|query_result)\((.*?)(?:,\s*\w+)?\)\s*$/s.exec(query);
  return m ? m[1] : query;
}

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
  refId?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown; datasource?: { uid?: string } }> };
}

const files = fs
  .readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .sort();
const dashboards = files.map((f) => ({
  file: f,
  d: JSON.parse(fs.readFileSync(path.join(DASHBOARDS, f), 'utf8')) as Dashboard,
}));
const allPanels = (d: Dashboard) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const exported = sampleNames(fs.readFileSync(FIXTURE, 'utf8'));
/** `up` is written by Prometheus for every scrape target. */
const known = (name: string) => name === 'up' || exported.has(name);

describe('metric name extraction (the check below relies on it)', () => {
  test('finds metrics and skips functions, aggregations, label lists, strings, variables and numbers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (instance, le) (rate(a_bucket{x=~"$instance"}[$__rate_interval]))) > 0.5 and on (job, peer) label_replace(b == 1, "peer", "$1", "server", "(.*)") or c offset 5m'
      )
    ).toEqual(['a_bucket', 'b', 'c']);
    expect(metricNames('count without (revision, hash) (count without (instance) (lifeline_config_info)) > 1')).toEqual(
      ['lifeline_config_info']
    );
    expect(metricNames('time() - ts_seconds < 600')).toEqual(['ts_seconds']);
    expect(metricNames(variableExpr('label_values(lifeline_server_state{instance=~"$instance"}, server)'))).toEqual([
      'lifeline_server_state',
    ]);
  });

  test('a misspelt metric is reported as unknown', () => {
    const names = metricNames('sum by (server) (rate(lifeline_trap_recieved_total{class="fatal"}[5m]))');
    expect(names.filter((n) => !known(n))).toEqual(['lifeline_trap_recieved_total']);
  });
});

describe('the exposition fixture', () => {
  test('is a real agent exposition with the metric families the dashboards use', () => {
    expect(exported.has('lifeline_build_info')).toBe(true);
    expect(exported.has('lifeline_heartbeat_rtt_seconds_bucket')).toBe(true); // histogram expanded
    expect(exported.has('lifeline_event_loop_delay_seconds_count')).toBe(true); // summary expanded
  });

  test('holds every lifeline_ metric registered in backend/', () => {
    const registered = new Set<string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (e.name.endsWith('.ts')) {
          for (const m of fs.readFileSync(p, 'utf8').matchAll(/\b(?:name|_METRIC)\s*[:=]\s*'(lifeline_[a-z0-9_]+)'/g)) {
            registered.add(m[1]);
          }
        }
      }
    };
    walk(path.join(ROOT, 'backend'));
    expect(registered.size).toBeGreaterThan(20);
    expect([...registered].filter((n) => !exported.has(n)).sort()).toEqual([]);
  });
});

describe.each(dashboards)('dashboard $file', ({ file, d }) => {
  test('is a Grafana 12 dashboard with a Prometheus datasource variable and instance/server variables', () => {
    expect(d.schemaVersion).toBe(defaultDashboard.schemaVersion);
    expect(d.uid).toMatch(/^lifeline-[a-z-]+$/);
    expect(d.title).toMatch(/^Lifeline /);
    const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.instance).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
    expect(vars.server).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
  });

  test('every panel queries ${datasource} with metrics the agent exports', () => {
    const problems: string[] = [];
    let queries = 0;
    for (const p of allPanels(d).filter((x) => x.type !== 'row')) {
      if (p.datasource?.uid !== '${datasource}') {
        problems.push(`${p.title}: panel datasource ${JSON.stringify(p.datasource)}`);
      }
      if (!p.targets?.length) {
        problems.push(`${p.title}: no query`);
      }
      for (const t of p.targets ?? []) {
        queries++;
        if (t.datasource?.uid !== '${datasource}') {
          problems.push(`${p.title} ${t.refId}: target datasource ${JSON.stringify(t.datasource)}`);
        }
        const names = metricNames(t.expr ?? '');
        if (names.length === 0) {
          problems.push(`${p.title} ${t.refId}: no metric in ${JSON.stringify(t.expr)}`);
        }
        for (const n of names.filter((x) => !known(x))) {
          problems.push(`${p.title} ${t.refId}: ${n} is not exported by the agent`);
        }
      }
    }
    for (const v of d.templating.list.filter((x) => x.type === 'query')) {
      for (const n of metricNames(variableExpr(String(v.query))).filter((x) => !known(x))) {
        problems.push(`variable ${v.name}: ${n} is not exported by the agent`);
      }
    }
    expect(problems).toEqual([]);
    expect(queries).toBeGreaterThan(5);
  });

  test('panels have unique ids and do not overlap on the 24-column grid', () => {
    const panels = allPanels(d);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Map<string, string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const key = `${i},${j}`;
          expect({ cell: key, by: cells.get(key) }).toEqual({ cell: key, by: undefined });
          cells.set(key, p.title);
        }
      }
    }
  });
});

test('the overview dashboard has the panels a NOC needs', () => {
  const overview = dashboards.find((x) => x.d.title === 'Lifeline cluster overview');
  expect(overview).toBeDefined();
  const exprs = allPanels(overview!.d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  const used = new Set(exprs.flatMap(metricNames));
  for (const m of [
    'lifeline_server_state',
    'lifeline_heartbeat_path_up',
    'lifeline_heartbeat_rtt_seconds_bucket',
    'lifeline_bmc_up',
    'lifeline_bmc_chassis_power_on',
    'lifeline_group_state',
    'lifeline_recovery_requests_total',
    'lifeline_traps_received_total',
    'lifeline_trap_packets_total',
    'lifeline_trap_packets_rejected_total',
    'lifeline_event_loop_delay_seconds',
  ]) {
    expect({ metric: m, used: used.has(m) }).toEqual({ metric: m, used: true });
  }
});

test('dashboard uids are unique', () => {
  expect(new Set(dashboards.map((x) => x.d.uid)).size).toBe(dashboards.length);
});

test('plugin.json includes every dashboard, and every dashboard it includes exists', () => {
  const plugin = JSON.parse(fs.readFileSync(path.join(ROOT, 'plugin.json'), 'utf8')) as {
    includes: Array<{ type: string; name: string; path: string }>;
  };
  const included = plugin.includes.filter((i) => i.type === 'dashboard');
  expect(included.map((i) => i.path).sort()).toEqual(files.map((f) => `dashboards/${f}`));
  for (const i of included) {
    const d = dashboards.find((x) => `dashboards/${x.file}` === i.path)!.d;
    expect(i.name).toBe(d.title);
  }
});

test('every alerting rule expression uses metrics the agent exports', () => {
  const rules = load(fs.readFileSync(RULES, 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
  };
  const problems = rules.groups
    .flatMap((g) => g.rules)
    .flatMap((r) => {
      const names = metricNames(r.expr);
      return names.length === 0
        ? [`${r.alert}: no metric`]
        : names.filter((n) => !known(n)).map((n) => `${r.alert}: ${n}`);
    });
  expect(problems).toEqual([]);
});
