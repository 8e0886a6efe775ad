import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';
import { streamLimit } from '../stream-limit';
import { expandTrapEvent } from '../../traps/event-view';

const query = z.strictObject({
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  server: z.string().max(63).optional(),
  type: z.string().max(32).optional(),
  class: z.enum(['fatal', 'recoverable', 'informational']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  /** `cluster`: this agent's events and every reachable peer's, merged newest first. */
  scope: z.enum(['local', 'cluster']).optional(),
});

export function eventRoutes(ctx: AgentContext): Router {
  const r = Router();
  const maxStreams = ctx.config().api.maxEventStreams;
  const streams = streamLimit(ctx.registry, maxStreams);
  // Each stream listens to the log: the cap bounds them, not the emitter's leak warning.
  ctx.events.setMaxListeners(ctx.events.getMaxListeners() + maxStreams);
  r.get('/events', requireRole('viewer'), async (req: Request, res: Response) => {
    const q = query.safeParse(req.query);
    if (!q.success) {
      badRequest(res, q.error);
      return;
    }
    const { scope, ...filter } = q.data;
    const events = ctx.events.query(filter).map(expandTrapEvent);
    if (scope !== 'cluster' || !ctx.peerEvents) {
      const next = events.length === (filter.limit ?? 100) ? events[events.length - 1].id : undefined;
      res.json({ events, next });
      return;
    }
    // Any agent answers for the cluster: a console keeps working when one server is down.
    const params = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)]));
    const peers = await ctx.peerEvents(params);
    const merged = [...events.map((e) => ({ ...e, origin: ctx.self })), ...peers.events]
      .sort((a, b) => b.time - a.time)
      .slice(0, filter.limit ?? 100);
    res.json({ events: merged, unreachable: peers.unreachable });
  });

  // Live stream (server-sent events): each new event as it is logged.
  r.get('/events/stream', requireRole('viewer'), streams, (req: Request, res: Response) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    const onEvent = (e: { id: number }) => {
      res.write(`id: ${e.id}\nevent: event\ndata: ${JSON.stringify(e)}\n\n`);
    };
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    ctx.events.on('event', onEvent);
    req.on('close', () => {
      clearInterval(keepAlive);
      ctx.events.off('event', onEvent);
    });
  });
  return r;
}
