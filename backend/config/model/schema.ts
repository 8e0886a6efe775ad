/**
 * The one cluster configuration schema. The agent, the CLI and the Grafana plugin all
 * validate with it; its JSON Schema export serves editors (`lifeline config schema`).
 */
import { z } from 'zod';
import { group } from './groups';
import { monitor } from './monitors';
import { fencing, partition, watchdog } from './protection';
import { clusterSettings, interconnect, server } from './topology';
import { traps } from './traps';
import { api } from './api';

/**
 * Size limits. They bound memory and work per heartbeat round and per status snapshot,
 * and they are far above what a failover cluster needs: the product supports 32 servers,
 * and a heartbeat packet that summarises 128 groups still fits one UDP datagram.
 */
export const LIMITS = {
  servers: 32,
  interconnects: 16,
  groups: 128,
  monitors: 512,
} as const;

function tooMany(what: string, max: number) {
  return {
    error: (iss: { input?: unknown }) =>
      `${Array.isArray(iss.input) ? iss.input.length : 'too many'} ${what}; the limit is ${max}`,
  };
}

export const clusterConfigSchema = z
  .strictObject({
    cluster: clusterSettings.meta({ description: 'Cluster-wide settings.' }),
    servers: z
      .array(server)
      .min(1, { error: 'list at least one server' })
      .max(LIMITS.servers, tooMany('servers', LIMITS.servers))
      .meta({ description: 'Servers in priority order; the first is the master server.' }),
    interconnects: z
      .array(interconnect)
      .min(1, { error: 'list at least one interconnect' })
      .max(LIMITS.interconnects, tooMany('interconnects', LIMITS.interconnects))
      .meta({ description: 'Heartbeat routes in priority order (the first is priority 0).' }),
    partition: partition.prefault({}),
    fencing: fencing.prefault({}),
    watchdog: watchdog.optional(),
    groups: z
      .array(group)
      .max(LIMITS.groups, tooMany('groups', LIMITS.groups))
      .default([])
      .meta({ description: 'Failover groups.' }),
    traps: traps.prefault({}),
    api: api.prefault({}),
    monitors: z
      .array(monitor)
      .max(LIMITS.monitors, tooMany('monitors', LIMITS.monitors))
      .default([])
      .meta({ description: 'Monitor resources.' }),
  })
  .meta({ title: 'Lifeline cluster configuration' });

/** The configuration as written (defaults may be left out). */
export type ClusterConfigInput = z.input<typeof clusterConfigSchema>;
/** The configuration after validation, with every default filled in. */
export type ClusterConfig = z.output<typeof clusterConfigSchema>;

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(clusterConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
