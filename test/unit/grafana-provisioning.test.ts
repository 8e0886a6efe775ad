/**
 * The Grafana provisioning files (provisioning/) against Grafana's documented file formats:
 * alert rules (apiVersion 1; groups with orgId, name, folder, interval, rules; a rule with uid,
 * title, condition, data of queries and expressions with refId, relativeTimeRange,
 * datasourceUid and model; noDataState, execErrState, for, labels, annotations), the data
 * source, the dashboards provider and the app. The alert file is generated from the
 * Prometheus rules and must not drift from them. Every query also runs on a real Prometheus
 * (test/integration/monitoring/prometheus.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { ROOT } from '../support/paths';

const P = (...p: string[]) => path.join(ROOT, 'provisioning', ...p);
const yaml = (...p: string[]) => load(fs.readFileSync(P(...p), 'utf8')) as any;

/** Grafana's duration strings (Prometheus model.ParseDuration). */
const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/);
const query = z
  .object({
    refId: z.string().regex(/^[A-Z]$/),
    relativeTimeRange: z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }),
    datasourceUid: z.string().min(1),
    model: z.object({ refId: z.string() }).passthrough(),
  })
  .strict();
const alertRule = z
  .object({
    uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
    title: z.string().min(1),
    condition: z.string(),
    data: z.array(query).min(1),
    noDataState: z.enum(['NoData', 'Alerting', 'OK', 'KeepLast']),
    execErrState: z.enum(['Error', 'Alerting', 'OK', 'KeepLast']),
    for: duration,
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
  })
  .strict();
const alertFile = z
  .object({
    apiVersion: z.literal(1),
    groups: z.array(
      z
        .object({
          orgId: z.number().int().min(1),
          name: z.string().min(1),
          folder: z.string().min(1),
          interval: duration,
          rules: z.array(alertRule).min(1),
        })
        .strict()
    ),
  })
  .strict();

const alerts = alertFile.parse(yaml('alerting', 'lifeline-alerts.yaml'));
const rules = alerts.groups.flatMap((g) => g.rules);
const prometheusRules = (
  yaml('prometheus', 'lifeline-rules.yaml') as { groups: Array<{ rules: any[] }> }
).groups.flatMap((g) => g.rules);
const datasource = yaml('datasources', 'lifeline.yaml').datasources[0];

test('the alert file parses to the documented structure', () => {
  expect(alerts.groups.map((g) => g.name)).toEqual(['Lifeline BMC errors', 'Lifeline cluster health']);
  expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
  for (const r of rules) {
    const refIds = r.data.map((d) => d.refId);
    expect({
      uid: r.uid,
      condition: refIds.includes(r.condition),
      models: r.data.every((d) => d.model.refId === d.refId),
    }).toEqual({
      uid: r.uid,
      condition: true,
      models: true,
    });
    // Queries go to the provisioned Prometheus; expressions to Grafana's expression engine.
    for (const d of r.data) {
      expect([datasource.uid, '__expr__']).toContain(d.datasourceUid);
    }
    expect(r.labels.severity).toMatch(/^(critical|warning)$/);
    expect(Object.keys(r.annotations).sort()).toEqual(['description', 'summary']);
  }
});

test('BMC errors and cluster health: one Grafana rule per Prometheus alert, same expression and duration', () => {
  const bmc = alerts.groups[0].rules.map((r) => r.title);
  expect(bmc).toEqual(
    expect.arrayContaining(['LifelineBmcFatalEvent', 'LifelineBmcUnreachable', 'LifelineChassisPoweredOff'])
  );
  const health = alerts.groups[1].rules.map((r) => r.title);
  expect(health).toEqual(
    expect.arrayContaining(['LifelineAgentDown', 'LifelineServerDown', 'LifelineGroupOnlineTwice'])
  );
  expect(rules.map((r) => r.title).sort()).toEqual(prometheusRules.map((r) => r.alert).sort());
  for (const p of prometheusRules) {
    const g = rules.find((r) => r.title === p.alert)!;
    const a = g.data.find((d) => d.refId === 'A')!;
    expect({ alert: p.alert, expr: a.model.expr, for: g.for, labels: g.labels }).toEqual({
      alert: p.alert,
      expr: p.expr,
      for: p.for ?? '0s',
      labels: p.labels,
    });
    // Prometheus's $value is query A's value in Grafana's templates.
    expect(Object.values(g.annotations).join(' ')).not.toMatch(/\$value\b/);
  }
});

test('the committed alert file is what `npm run provisioning` generates from the Prometheus rules', () => {
  const check = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'provisioning.mjs'), '--check'], {
    encoding: 'utf8',
  });
  expect({ code: check.status, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
});

test('the data source, dashboards provider and app take their URLs and tokens from the environment', () => {
  expect(yaml('datasources', 'lifeline.yaml')).toMatchObject({
    apiVersion: 1,
    datasources: [{ uid: 'lifeline-prometheus', type: 'prometheus', access: 'proxy', url: '${PROMETHEUS_URL}' }],
  });
  const provider = yaml('dashboards', 'lifeline.yaml').providers[0];
  expect(provider).toMatchObject({ type: 'file', folder: 'Lifeline' });
  expect(provider.options.path).toMatch(/\/lifeline-cluster-app\/dashboards$/);
  // The plugin archive holds its dashboards in dashboards/: the provider finds the same files.
  const included = JSON.parse(fs.readFileSync(path.join(ROOT, 'plugin.json'), 'utf8')).includes.filter(
    (i: { type: string }) => i.type === 'dashboard'
  );
  expect(included.map((i: { path: string }) => path.dirname(i.path))).toEqual(['dashboards', 'dashboards']);
  expect(yaml('plugins', 'apps.yaml')).toEqual({
    apiVersion: 1,
    apps: [
      {
        type: 'lifeline-cluster-app',
        org_id: 1,
        disabled: false,
        jsonData: { agentUrls: ['$__env{LIFELINE_AGENT_URL_1}', '$__env{LIFELINE_AGENT_URL_2}'] },
        secureJsonData: {
          viewerToken: '$__env{LIFELINE_VIEWER_TOKEN}',
          operatorToken: '$__env{LIFELINE_OPERATOR_TOKEN}',
          adminToken: '$__env{LIFELINE_ADMIN_TOKEN}',
        },
      },
    ],
  });
});
