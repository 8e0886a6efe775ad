import * as z from 'zod/mini';

const statusCounts = z.object({ normal: z.number(), warning: z.number(), error: z.number(), suspended: z.number() });

/** One monitor in the status (not one per monitor x server). */
export const monitorSummary = z.object({
  name: z.string(),
  status: z.string(),
  counts: statusCounts,
  notNormal: z.array(z.object({ server: z.string(), status: z.string(), since: z.number(), reason: z.string() })),
});

/** One monitor on one server (GET /api/v1/monitors). */
export const monitorState = z.object({
  monitor: z.string(),
  server: z.string(),
  status: z.string(),
  since: z.number(),
  reason: z.string(),
});

export const monitorsAnswer = z.object({ monitors: z.array(monitorState) });
export const monitorClearAnswer = z.object({ monitor: z.string(), cleared: z.number() });

export type MonitorSummaryAnswer = z.infer<typeof monitorSummary>;
export type MonitorStateAnswer = z.infer<typeof monitorState>;
