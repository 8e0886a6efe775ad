/**
 * The Prometheus text exposition (format 0.0.4) of a prom-client registry, written here
 * rather than by `registry.metrics()`. prom-client formats every line through generic
 * helpers (a fresh label object, a WeakMap entry and several intermediate arrays per
 * series); a maximum-size cluster exposes ~750 series, and at a few scrapes a second
 * from several Prometheus servers and Grafana that was most of the time a scrape took.
 * The output is byte for byte what prom-client writes (a test compares them); the
 * registry's default labels and OpenMetrics are not used by the agent and not supported.
 */
import type { Registry } from 'prom-client';

interface Sample {
  metricName?: string;
  labels?: Record<string, string | number>;
  sharedLabels?: Record<string, string | number>;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: string;
  values?: Sample[];
}

type Collectable = { get(): Promise<Family> | Family; getForPromString?(): Promise<Family> };

export async function renderExposition(registry: Registry): Promise<string> {
  const families = await Promise.all(
    (registry.getMetricsAsArray() as unknown as Collectable[]).map((m) => m.getForPromString?.() ?? m.get())
  );
  let out = '';
  for (const f of families) {
    const name = escape(f.name);
    out += `${out === '' ? '' : '\n\n'}# HELP ${name} ${escape(f.help)}\n# TYPE ${name} ${f.type}`;
    for (const v of f.values ?? []) {
      out += `\n${v.metricName ?? name}${labels(v.labels, v.sharedLabels)} ${value(v.value)}`;
    }
  }
  return `${out}\n`;
}

function labels(own: Sample['labels'], shared: Sample['sharedLabels']): string {
  let text = '';
  for (const set of [own, shared]) {
    for (const k in set) {
      if (set === own && shared !== undefined && Object.hasOwn(shared, k)) {
        continue;
      }
      const v = set[k];
      text += `${text === '' ? '' : ','}${k}="${typeof v === 'string' ? escapeLabelValue(v) : v}"`;
    }
  }
  return text === '' ? '' : `{${text}}`;
}

function value(v: number): string {
  if (Number.isNaN(v)) {
    return 'Nan';
  }
  return Number.isFinite(v) ? `${v}` : v < 0 ? '-Inf' : '+Inf';
}

const SPECIAL = /[\\\n"]/;

function escape(s: string): string {
  return SPECIAL.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : s;
}

function escapeLabelValue(s: string): string {
  return SPECIAL.test(s) ? escape(s).replace(/"/g, '\\"') : s;
}
