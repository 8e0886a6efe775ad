/**
 * A group request as it travels to the deciding server: what operators and recoveries
 * ask for. One schema for the route that receives it and the types that build it.
 */
import { z } from 'zod';

export const groupRequestSchema = z.strictObject({
  op: z.enum(['start', 'stop', 'move', 'restart']),
  group: z.string().min(1).max(63),
  server: z.string().min(1).max(63).optional(),
  from: z.string().min(1).max(63).optional(),
  event: z.enum(['START', 'STOP', 'MOVE', 'FAILOVER', 'RECOVER']).optional(),
  requestedBy: z.string().max(128),
});

export type GroupRequest = z.infer<typeof groupRequestSchema>;
