import * as z from 'zod/mini';
import { statusGroup } from './status';

export const resourceStatus = z.object({
  name: z.string(),
  type: z.string(),
  state: z.string(),
  detail: z.nullable(z.string()),
});

/** One element of GET /api/v1/groups (and the body of GET /groups/NAME). */
export const groupView = z.extend(statusGroup, {
  localSince: z.number(),
  localReason: z.string(),
  resources: z.array(resourceStatus),
});

export const groupsAnswer = z.object({ groups: z.array(groupView) });

export const operationStep = z.object({
  server: z.string(),
  action: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});

/**
 * POST /groups/NAME/start|stop|move: the outcome (200, `done: true`) or, past `?wait=`,
 * 202 with `done: false` while the operation carries on.
 */
export const operationAnswer = z.union([
  z.object({
    group: z.string(),
    operation: z.string(),
    ok: z.boolean(),
    server: z.nullable(z.string()),
    detail: z.string(),
    steps: z.array(operationStep),
    done: z.literal(true),
  }),
  z.object({ group: z.string(), operation: z.string(), done: z.literal(false), detail: z.string() }),
]);

/** Every refusal: 4xx/5xx with `error` (and `problems` for invalid bodies). */
export const errorAnswer = z.object({
  error: z.string(),
  problems: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

export type GroupViewAnswer = z.infer<typeof groupView>;
export type OperationStepAnswer = z.infer<typeof operationStep>;
export type OperationAnswer = z.infer<typeof operationAnswer>;
