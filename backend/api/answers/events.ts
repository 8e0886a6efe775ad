import { z } from 'zod';

/**
 * One event of GET /api/v1/events. `origin` (the agent whose log holds it) is set with
 * `scope=cluster`; stream events (GET /events/stream) carry only what was appended, so the
 * stored-only fields are optional.
 */
export const storedEvent = z.object({
  id: z.number(),
  time: z.number(),
  lastTime: z.number().optional(),
  repeats: z.number().optional(),
  server: z.string(),
  type: z.string(),
  class: z.string(),
  source: z.string().nullish(),
  monitor: z.string().nullish(),
  summary: z.string(),
  fields: z.record(z.string(), z.unknown()).nullish(),
  raw: z.string().nullish(),
  origin: z.string().optional(),
});

export const eventsAnswer = z.object({
  events: z.array(storedEvent),
  /** Local scope: the `before` of the next page when this one was full. */
  next: z.number().optional(),
  /** Cluster scope: peers that did not answer. */
  unreachable: z.array(z.string()).optional(),
});

export type StoredEventAnswer = z.infer<typeof storedEvent>;
export type EventsAnswer = z.infer<typeof eventsAnswer>;
