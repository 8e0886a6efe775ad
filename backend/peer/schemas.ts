/**
 * The agent-to-agent protocol on the wire: every body sent to a peer and every answer it
 * gives, as zod schemas with the types inferred from them. The routes (api/routes/) parse
 * bodies with these, the client (client.ts) parses answers with these, so the two sides
 * cannot drift apart; a peer's answer that does not match is a failure, never a crash.
 */
import { agentApplyReport } from '../api/answers/config';
import { z } from 'zod';
import { groupRequestSchema } from '../controller/request';
import type { Outcome, StepRequest } from '../groups/operations';
import { LOCAL_GROUP_STATES, type OperationResult } from '../groups/local-groups';
import type { StoredEvent } from '../events/event-log';

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const revision = z.number().int().positive();
const event = z.enum(['START', 'STOP', 'MOVE', 'FAILOVER', 'RECOVER']);

/** Any refusal (4xx/5xx): the API's `{error}`, and prepare's `{reason, conflict}`. */
export const refusalAnswer = z.looseObject({
  error: z.string().optional(),
  reason: z.string().optional(),
  conflict: z.boolean().optional(),
});
export type RefusalAnswer = z.infer<typeof refusalAnswer>;

// POST /internal/config/prepare, /commit, /abort: the two-phase exchange (agent/config-apply.ts).
export const prepareBody = z.strictObject({
  base: z.number().int().nonnegative(),
  revision,
  hash,
  config: z.unknown(),
  coordinator: z.string().max(63),
});
export type PrepareBody = z.infer<typeof prepareBody>;
/** 200 `{ok: true}`; a refusal is 409 with `{ok: false, reason, conflict}` (a refusalAnswer). */
export const prepareAnswer = z.object({ ok: z.literal(true) });
export const decisionBody = z.strictObject({ revision, hash });
export type DecisionBody = z.infer<typeof decisionBody>;
/** `report`: what the peer did with the revision (absent from agents before live reconfiguration). */
export const commitAnswer = z.object({ revision, report: z.optional(agentApplyReport) });
export type CommitAnswer = z.infer<typeof commitAnswer>;
export const abortAnswer = z.object({ aborted: z.literal(true) });
export type AbortAnswer = z.infer<typeof abortAnswer>;

// POST /internal/groups/NAME/start|stop: one step on the peer (groups/operations.ts).
export const stepBody = z.strictObject({
  event,
  from: z.string().max(63).optional(),
  requestedBy: z.string().max(128),
  epoch: z.int().min(0).max(0xffffffff).optional(),
  releasing: z.array(z.string().max(63)).max(32).optional(),
});
const operationResult = z.object({
  ok: z.boolean(),
  changed: z.boolean(),
  state: z.enum(LOCAL_GROUP_STATES),
  detail: z.string(),
});
export const stepAnswer = z.object({ result: operationResult });
export type StepAnswer = z.infer<typeof stepAnswer>;

// POST /internal/groups/request: a request forwarded to the deciding server.
export const requestBody = groupRequestSchema;
const outcome = z.object({
  group: z.string(),
  operation: z.enum(['start', 'stop', 'move', 'restart']),
  ok: z.boolean(),
  server: z.string().nullable(),
  detail: z.string(),
  steps: z.array(
    z.object({ server: z.string(), action: z.enum(['start', 'stop']), ok: z.boolean(), detail: z.string() })
  ),
});
export const requestAnswer = z.object({ outcome });
export type RequestAnswer = z.infer<typeof requestAnswer>;

// POST /internal/leaving: a peer stopping cleanly.
export const leavingBody = z.strictObject({ server: z.string().max(63), incarnation: z.string().regex(/^\d{1,20}$/) });
export const okAnswer = z.object({ ok: z.literal(true) });
export type OkAnswer = z.infer<typeof okAnswer>;

// POST /internal/servers/confirm-down: an operator's confirmation, relayed (409 {error}: refused).
export const confirmDownBody = z.strictObject({ server: z.string().min(1).max(63) });

// GET /events?scope=local: a peer's own events (loose: a trap's expanded fields pass through).
const storedEvent = z.looseObject({
  id: z.number(),
  time: z.number(),
  lastTime: z.number(),
  repeats: z.number(),
  server: z.string(),
  type: z.string(),
  class: z.enum(['fatal', 'recoverable', 'informational']),
  source: z.string().nullable(),
  monitor: z.string().nullable(),
  summary: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
  raw: z.string().nullable(),
});
export const eventsAnswer = z.looseObject({ events: z.array(storedEvent) });

// GET /config?revision=N: a kept revision, fetched by config convergence.
export const configAnswer = z.looseObject({ revision, hash: z.string(), config: z.unknown() });

// The wire types are the domain types: a change on either side fails the typecheck here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<z.infer<typeof stepBody>, StepRequest>,
  Same<z.infer<typeof operationResult>, OperationResult>,
  Same<z.infer<typeof outcome>, Outcome>,
  Same<z.infer<typeof storedEvent>, StoredEvent & Record<string, unknown>>,
] = [true, true, true, true];
void checks;
