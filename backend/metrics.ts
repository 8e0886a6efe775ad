/**
 * Metric families whose samples the agent computes when scraped, straight from its own
 * state. prom-client's Gauge with `collect` keeps a map keyed by a hash of each label set,
 * cleared and filled again on every scrape; for families of a few hundred series (peers x
 * interconnects, servers x states) that hashing was a large part of a scrape.
 */
import type { Registry } from 'prom-client';

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** For the parts of a summary or histogram (`_sum`, `_count`). */
  metricName?: string;
}

export interface ComputedFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'summary';
  samples: () => Sample[];
}

export function registerComputed(registry: Registry, family: ComputedFamily): void {
  const { name, help, type, samples } = family;
  const aggregator = type === 'summary' ? 'max' : 'sum';
  registry.registerMetric({
    name,
    help,
    type,
    aggregator,
    get: async () => ({ name, help, type, aggregator, values: samples() }),
    reset: () => {},
  } as unknown as Parameters<Registry['registerMetric']>[0]);
}
