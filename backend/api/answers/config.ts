import * as z from 'zod/mini';

/** GET /api/v1/config; `config` is checked by backend/config/model, not here. */
export const configAnswer = z.object({ revision: z.number(), hash: z.string(), config: z.unknown() });

export const configHistoryAnswer = z.object({
  revisions: z.array(z.object({ revision: z.number(), hash: z.string(), appliedAt: z.string(), source: z.string() })),
});

/** PUT /api/v1/config and POST /config/rollback. */
export const configApplyAnswer = z.object({
  revision: z.number(),
  hash: z.string(),
  committed: z.array(z.string()),
  unreachable: z.array(z.string()),
});

export type ConfigAnswer = z.infer<typeof configAnswer>;
