import * as z from 'zod/mini';

/** GET /api/v1/config; `config` is checked by backend/config/model, not here. */
export const configAnswer = z.object({ revision: z.number(), hash: z.string(), config: z.unknown() });

export const configHistoryAnswer = z.object({
  revisions: z.array(z.object({ revision: z.number(), hash: z.string(), appliedAt: z.string(), source: z.string() })),
});

/**
 * One difference between the revision an agent runs and a new one, as that agent applies
 * it: `path` is the configuration path (as in validation problems, e.g. `monitors[2]`).
 */
export const configChange = z.object({
  area: z.enum([
    'servers',
    'interconnects',
    'cluster',
    'groups',
    'monitors',
    'traps',
    'partition',
    'fencing',
    'api',
    'watchdog',
  ]),
  path: z.string(),
  summary: z.string(),
});

/**
 * What one agent did with a revision: `applied` took effect at once; `atNextStart` are
 * changes to groups running on that agent, which take effect when the group next starts
 * (or is restarted); `restartRequired` need that agent restarted and keep their old value
 * until then (e.g. its own API address).
 */
export const agentApplyReport = z.object({
  server: z.string(),
  revision: z.number(),
  applied: z.array(configChange),
  atNextStart: z.array(configChange),
  restartRequired: z.array(configChange),
});

/** PUT /api/v1/config and POST /config/rollback. */
export const configApplyAnswer = z.object({
  revision: z.number(),
  hash: z.string(),
  committed: z.array(z.string()),
  unreachable: z.array(z.string()),
  /** Per committed agent that reported back (the coordinator first). */
  agents: z.optional(z.array(agentApplyReport)),
});

export type ConfigChange = z.infer<typeof configChange>;
export type AgentApplyReport = z.infer<typeof agentApplyReport>;

export type ConfigAnswer = z.infer<typeof configAnswer>;
