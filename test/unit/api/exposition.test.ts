import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { renderExposition } from '../../../backend/api/exposition';
import { registerComputed } from '../../../backend/metrics';

function registry(): Registry {
  const r = new Registry();
  const registers = [r];
  const g = new Gauge({
    name: 'x_gauge',
    help: 'A gauge; help with \\ and\na newline.',
    labelNames: ['a', 'b'],
    registers,
  });
  g.set({ a: 'plain', b: 'x' }, 1.5);
  g.set({ a: 'quote " backslash \\ newline \n end', b: '' }, -0);
  g.set({ a: 'nan', b: 'y' }, NaN);
  g.set({ a: 'inf', b: 'y' }, Infinity);
  g.set({ a: 'minus-inf', b: 'y' }, -Infinity);
  new Gauge({ name: 'x_unlabelled', help: 'No labels.', registers }).set(1e21);
  new Gauge({ name: 'x_empty', help: 'No samples.', labelNames: ['a'], registers });
  new Counter({ name: 'x_total', help: 'A counter.', labelNames: ['result'], registers }).inc({ result: 'ok' }, 3);
  const h = new Histogram({
    name: 'x_seconds',
    help: 'A histogram.',
    labelNames: ['peer'],
    buckets: [0.1, 1],
    registers,
  });
  h.observe({ peer: 'server2' }, 0.05);
  h.observe({ peer: 'server3' }, 5);
  new Summary({ name: 'x_summary_seconds', help: 'A summary.', percentiles: [0.5, 0.99], registers }).observe(0.2);
  registerComputed(r, {
    name: 'x_computed',
    help: 'Computed when scraped.',
    type: 'gauge',
    samples: () => [
      { labels: { server: 'server1', state: 'online' }, value: 1 },
      { labels: {}, value: 7, metricName: 'x_computed_other' },
    ],
  });
  return r;
}

describe('Prometheus exposition', () => {
  test('is byte for byte what prom-client writes: labels, escaping, special values, histograms, summaries', async () => {
    const r = registry();
    const ours = await renderExposition(r);
    expect(ours).toBe(await r.metrics());
    expect(ours).toContain('x_gauge{a="quote \\" backslash \\\\ newline \\n end",b=""} 0');
    expect(ours).toContain('x_seconds_bucket{le="+Inf",peer="server3"} 1');
  });

  test('an empty registry', async () => {
    expect(await renderExposition(new Registry())).toBe(await new Registry().metrics());
  });
});
