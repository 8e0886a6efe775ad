import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';
import { expandTrapEvent } from '../../traps/event-view';

const query = z.strictObject({
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  server: z.string().max(63).optional(),
  type: z.string().max(32).optional(),
  class: z.enum(['fatal', 'recoverable', 'informational']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export function eventRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.get('/events', requireRole('viewer'), (req: Request, res: Response) => {
    const q = query.safeParse(req.query);
    if (!q.success) {
      badRequest(res, q.error);
      return;
    }
    const events = ctx.events.query(q.data).map(expandTrapEvent);
    const next = events.length === (q.data.limit ?? 100) ? events[events.length - 1].id : undefined;
    res.json({ events, next });
  });

  // Live stream (server-sent events): each new event as it is logged.
  r.get('/events/stream', requireRole('viewer'), (req: Request, res: Response) => {
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
