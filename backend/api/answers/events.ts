import * as z from 'zod/mini';

/**
 * One event of GET /api/v1/events. `origin` (the agent whose log holds it) is set with
 * `scope=cluster`; stream events (GET /events/stream) carry only what was appended, so the
 * stored-only fields are optional.
 */
export const storedEvent = z.object({
  id: z.number(),
  time: z.number(),
  lastTime: z.optional(z.number()),
  repeats: z.optional(z.number()),
  server: z.string(),
  type: z.string(),
  class: z.string(),
  source: z.nullish(z.string()),
  monitor: z.nullish(z.string()),
  summary: z.string(),
  fields: z.nullish(z.record(z.string(), z.unknown())),
  raw: z.nullish(z.string()),
  origin: z.optional(z.string()),
});

export const eventsAnswer = z.object({
  events: z.array(storedEvent),
  /** Local scope: the `before` of the next page when this one was full. */
  next: z.optional(z.number()),
  /** Cluster scope: peers that did not answer. */
  unreachable: z.optional(z.array(z.string())),
});

export type StoredEventAnswer = z.infer<typeof storedEvent>;
export type EventsAnswer = z.infer<typeof eventsAnswer>;
