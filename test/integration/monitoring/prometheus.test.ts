/**
 * A real Prometheus (Debian's) scraping a real agent, with the project's alerting rules:
 *   - the target is up (bearer token from a file, as the README says to configure it);
 *   - lifeline metrics are queryable;
 *   - alerts fire for conditions caused for real: a fatal PET from server1's BMC address
 *     (LifelineBmcFatalEvent), server2 of the configuration never started and its BMC
 *     absent (LifelineServerDown, LifelineBmcUnreachable), the agent killed (LifelineAgentDown);
 *     and nothing else fires while the rest is healthy.
 * The rules are loaded with every `for:` set to 0s so the test takes seconds; the `for:`
 * durations themselves are tested by promtool (rules.test.ts).
 * The Grafana-managed alert rules (provisioning/alerting/lifeline-alerts.yaml) run their queries
 * here too, and their conditions hold for the same alerts.
 * The agent's metric families must equal those in test/fixtures/prometheus/agent-metrics.prom,
 * which the dashboard unit test checks panel queries against. LIFELINE_UPDATE_FIXTURES=1
 * rewrites that file from this agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { sendPet } from '../../support/cli';
import { bmcAddress, killAgent, loopbackCluster } from '../../support/cluster';
import { ROOT } from '../../support/paths';
import { ip, tempDir } from '../../support/isolation';

const API_PORT = 29501;
const TRAP_PORT = 29504;
const PROM = `${ip('127.0.0.1')}:29590`;
const RULES = path.join(ROOT, 'provisioning', 'prometheus', 'lifeline-rules.yaml');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'prometheus', 'agent-metrics.prom');
const GRAFANA_ALERTS = path.join(ROOT, 'provisioning', 'alerting', 'lifeline-alerts.yaml');
const INSTANCE = `${ip('127.0.0.1')}:${API_PORT}`;

const config = loopbackCluster({
  name: 'monitoring',
  servers: 2,
  apiPort: API_PORT,
  lanPorts: [29502],
  bmcPort: 29503, // nothing listens there: server2's BMC is unreachable
  groups: ['g1'],
  monitors: [
    {
      name: 'mrw1',
      type: 'message-receive',
      category: 'BMCNOTICE',
      perServer: {
        server1: { keyword: `${ip('127.0.0.1')}:${TRAP_PORT}` },
        server2: { keyword: `${ip('127.0.0.2')}:${TRAP_PORT}` },
      },
    },
  ],
});
// server2 never runs here: g1 may only run on server1, so server1 starts it without having
// heard server2 (a group server2 could run would wait for it: startup fencing).
config.groups[0].startupServers = ['server1'];

let agent: RunningAgent;
let prometheus: ChildProcess;
let dir: string;
const promLog = () => fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8');

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

async function api<T>(p: string): Promise<T> {
  const res = await fetch(`http://${PROM}${p}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') {
    throw new Error(`${p}: ${body.error}`);
  }
  return body.data;
}

const query = (q: string) =>
  api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
    `/api/v1/query?query=${encodeURIComponent(q)}`
  ).then((d) => d.result);

const firing = async () =>
  (await api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts.filter((a) => a.state === 'firing');

/** Metric families of an exposition: `name type` from its TYPE lines, sorted. */
function families(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((l) => l.startsWith('# TYPE '))
    .map((l) => l.slice('# TYPE '.length))
    .sort();
}

beforeAll(async () => {
  dir = tempDir('lifeline-prometheus-');
  agent = await startAgent(config, 'server1', { env: { BMC_PW: 'secret' } });

  // The rules as shipped, with every `for:` at 0s.
  const rules = load(fs.readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ for?: string }> }> };
  for (const rule of rules.groups.flatMap((g) => g.rules)) {
    rule.for = '0s';
  }
  fs.writeFileSync(path.join(dir, 'rules.yaml'), dump(rules, { lineWidth: -1 }));
  fs.writeFileSync(path.join(dir, 'token'), agent.tokens.viewer, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    dump({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yaml'],
      scrape_configs: [
        {
          job_name: 'lifeline',
          authorization: { type: 'Bearer', credentials_file: 'token' },
          static_configs: [{ targets: [INSTANCE] }],
        },
      ],
    })
  );
  const out = fs.openSync(path.join(dir, 'prometheus.log'), 'a');
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=${PROM}`,
    ],
    { cwd: dir, stdio: ['ignore', out, out] }
  );
  fs.closeSync(out);
  const ready = await eventually(
    async () =>
      prometheus.exitCode !== null ? 'exited' : (await fetch(`http://${PROM}/-/ready`)).ok ? 'ready' : undefined,
    15_000,
    'prometheus ready'
  );
  if (ready === 'exited') {
    throw new Error(`prometheus exited with ${prometheus.exitCode}:\n${promLog()}`);
  }
}, 30_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    const exited = new Promise((r) => prometheus.once('exit', r));
    process.kill(prometheus.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(prometheus.pid!, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  await agent?.stop();
  for (const d of [dir, agent?.dir]) {
    if (d) {
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
});

describe('Prometheus scraping a real agent with the Lifeline rules', () => {
  test('the scrape target is up, with the bearer token', async () => {
    const target = await eventually(
      async () => {
        const t = (
          await api<{ activeTargets: Array<{ health: string; labels: Record<string, string>; lastError: string }> }>(
            '/api/v1/targets'
          )
        ).activeTargets[0];
        return t?.health === 'up' ? t : undefined;
      },
      10_000,
      'target up'
    ).catch((e) => {
      throw new Error(`${e.message}\n${promLog()}`);
    });
    expect(target).toMatchObject({ labels: { job: 'lifeline', instance: INSTANCE }, lastError: '' });
    expect(await query('up{job="lifeline"}')).toEqual([
      { metric: { __name__: 'up', job: 'lifeline', instance: INSTANCE }, value: [expect.any(Number), '1'] },
    ]);
  });

  test('lifeline metrics are queryable', async () => {
    const build = await query('lifeline_build_info');
    expect(build).toEqual([
      {
        metric: expect.objectContaining({
          __name__: 'lifeline_build_info',
          instance: INSTANCE,
          version: expect.any(String),
          server: 'server1',
        }),
        value: [expect.any(Number), '1'],
      },
    ]);
    // This agent's own server is online; every state of server2 is exported, one of them 1.
    const states = await query('lifeline_server_state');
    expect(
      states.filter((s) => s.metric.server === 'server1' && s.value[1] === '1').map((s) => s.metric.state)
    ).toEqual(['online']);
    expect(states.filter((s) => s.metric.server === 'server2')).toHaveLength(5);
  });

  test('a fatal PET from the BMC of server1 fires LifelineBmcFatalEvent', async () => {
    // Rules have been evaluated on scraped data, and this alert is not firing yet.
    await eventually(async () => ((await query('lifeline_server_state')).length > 0 ? true : undefined), 10_000);
    await eventually(
      async () => {
        const groups = (await api<{ groups: Array<{ lastEvaluation: string }> }>('/api/v1/rules')).groups;
        return groups.every((g) => Date.parse(g.lastEvaluation) > Date.now() - 5000) ? true : undefined;
      },
      10_000,
      'rules evaluated'
    );
    expect((await firing()).filter((a) => a.labels.alertname === 'LifelineBmcFatalEvent')).toEqual([]);

    const sent = sendPet(`${ip('127.0.0.1')}:${TRAP_PORT}`, bmcAddress(1)); // drive slot: drive fault
    expect(sent.code).toBe(0);
    const alert = await eventually(
      async () => (await firing()).find((a) => a.labels.alertname === 'LifelineBmcFatalEvent'),
      15_000,
      'LifelineBmcFatalEvent firing'
    );
    expect(alert.labels).toEqual({
      alertname: 'LifelineBmcFatalEvent',
      severity: 'critical',
      job: 'lifeline',
      instance: INSTANCE,
      server: 'server1',
    });
    expect(alert.annotations.summary).toBe('Fatal BMC event on server1');
    expect(alert.annotations.description).toContain(`lifeline events --server server1 --class fatal`);
  });

  test('server2 down and its BMC unreachable fire their alerts, and nothing else fires', async () => {
    // server2 is in the configuration but never started; its BMC address answers nothing.
    const expected = ['LifelineBmcFatalEvent', 'LifelineBmcUnreachable', 'LifelineServerDown'];
    const alerts = await eventually(
      async () => {
        const now = await firing();
        return now
          .map((a) => a.labels.alertname)
          .sort()
          .join() === expected.join()
          ? now
          : undefined;
      },
      20_000,
      `exactly ${expected.join(', ')} firing`
    ).catch(async (e) => {
      throw new Error(`${e.message}; firing: ${JSON.stringify((await firing()).map((a) => a.labels))}`);
    });
    const byName = (n: string) => alerts.find((a) => a.labels.alertname === n)!.labels;
    expect(byName('LifelineServerDown')).toMatchObject({ server: 'server2', state: 'unknown', instance: INSTANCE });
    expect(byName('LifelineBmcUnreachable')).toMatchObject({ server: 'server2', instance: INSTANCE });
    // g1 runs on server1 (so LifelineGroupNotOnline is quiet for a reason, not for lack of data).
    expect(await query('lifeline_group_state{group="g1",state="online"} == 1')).toHaveLength(1);
  });

  test('every Grafana-managed alert query runs on Prometheus, and its condition holds exactly where the Prometheus alert fires', async () => {
    // provisioning/alerting/lifeline-alerts.yaml: query A (to the Prometheus data source),
    // condition B = "A returned a series" (Grafana's math expression, evaluated here per series).
    const grafana = load(fs.readFileSync(GRAFANA_ALERTS, 'utf8')) as {
      groups: Array<{ rules: Array<{ title: string; condition: string; data: Array<{ refId: string; model: any }> }> }>;
    };
    const rules = grafana.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(12);
    const compare = async () => {
      const errors: string[] = [];
      const holding: string[] = [];
      for (const r of rules) {
        const a = r.data.find((d) => d.refId === 'A')!;
        expect(r.data.find((d) => d.refId === r.condition)!.model.expression).toBe(
          'is_number($A) || is_nan($A) || is_inf($A)'
        );
        try {
          if ((await query(a.model.expr)).length > 0) {
            holding.push(r.title);
          }
        } catch (e) {
          errors.push(`${r.title}: ${(e as Error).message}`);
        }
      }
      const prom = [...new Set((await firing()).map((x) => x.labels.alertname))].sort();
      return { errors, holding: holding.sort(), prom };
    };
    const result = await eventually(
      async () => {
        const c = await compare();
        return c.errors.length > 0 || c.holding.join() === c.prom.join() ? c : undefined;
      },
      15_000,
      'Grafana conditions matching the firing Prometheus alerts'
    );
    expect(result.errors).toEqual([]);
    expect(result.holding).toEqual(['LifelineBmcFatalEvent', 'LifelineBmcUnreachable', 'LifelineServerDown']);
  });

  test('the agent exports the metric families of the dashboard fixture (captured after the trap)', async () => {
    const text = (await agent.request('GET', '/metrics', undefined, agent.tokens.viewer)).body as string;
    if (process.env.LIFELINE_UPDATE_FIXTURES === '1') {
      fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
      fs.writeFileSync(FIXTURE, text);
    }
    expect(families(text)).toEqual(families(fs.readFileSync(FIXTURE, 'utf8')));
  });

  test('every dashboard query runs on Prometheus, and has data unless this setup cannot have any', async () => {
    // A second fatal PET, so that increase() and rate() over trap counters see a change.
    expect(sendPet(`${ip('127.0.0.1')}:${TRAP_PORT}`, bmcAddress(1)).code).toBe(0);
    await eventually(
      async () =>
        (await query('increase(lifeline_traps_received_total{class="fatal"}[1m]) > 0')).length ? true : undefined,
      10_000,
      'the second trap in Prometheus'
    );
    const dir = path.join(ROOT, 'src', 'dashboards');
    const results: Array<{ panel: string; expr: string; series: number; error?: string }> = [];
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const d = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      for (const p of d.panels as Array<{ title: string; targets?: Array<{ expr: string }> }>) {
        for (const t of p.targets ?? []) {
          // What Grafana substitutes: every agent and server; windows that span this test.
          const expr = t.expr
            .replace(/\$instance\b/g, '.*')
            .replace(/\$server\b/g, '.*')
            .replace(/\$(__rate_interval|__interval|__range)\b/g, '1m');
          const panel = `${f}: ${p.title}`;
          try {
            results.push({ panel, expr, series: (await query(expr)).length });
          } catch (e) {
            results.push({ panel, expr, series: 0, error: (e as Error).message });
          }
        }
      }
    }
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => r.series === 0).map((r) => r.panel)).toEqual([
      // server2 never started: no heartbeat echo, no BMC answer, so no power reading either
      'lifeline-cluster-overview.json: Heartbeat round trip (p99)',
      'lifeline-cluster-overview.json: Chassis power',
      'lifeline-cluster-overview.json: BMC ping round trip (p99)',
      // g1 has no resources
      'lifeline-cluster-overview.json: Resource actions',
    ]);
  });

  test('the agent killed fires LifelineAgentDown', async () => {
    await killAgent(agent);
    const alert = await eventually(
      async () => (await firing()).find((a) => a.labels.alertname === 'LifelineAgentDown'),
      15_000,
      'LifelineAgentDown firing'
    );
    expect(alert.labels).toEqual({
      alertname: 'LifelineAgentDown',
      severity: 'critical',
      job: 'lifeline',
      instance: INSTANCE,
    });
  });
});
