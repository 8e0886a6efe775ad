import { MAX_EVENT_STREAMS_LIMIT } from '../../config/model/api';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';
import { sendWhole } from '../state-tag';
import { streamLimit } from '../stream-limit';
import { expandTrapEvent } from '../../traps/event-view';
import { MAX_REPLAY, planReplay, streamId } from '../event-replay';

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

const streamQuery = z.strictObject({ lastEventId: z.string().max(200).optional() });

export function eventRoutes(ctx: AgentContext): Router {
  const r = Router();
  const streams = streamLimit(ctx.registry, () => ctx.config().api.maxEventStreams);
  // Each stream listens to the log: the cap bounds them, not the emitter's leak warning (the
  // schema's limit, as a new revision may raise the cap).
  ctx.events.setMaxListeners(ctx.events.getMaxListeners() + MAX_EVENT_STREAMS_LIMIT);
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
      // ETag: the whole answer (an event changes only when it folds a repeat).
      const body = { events, next };
      sendWhole(req, res, body);
      return;
    }
    // Any agent answers for the cluster: a console keeps working when one server is down.
    const params = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)]));
    const peers = await ctx.peerEvents(params);
    const merged = [...events.map((e) => ({ ...e, origin: ctx.self })), ...peers.events]
      .sort((a, b) => b.time - a.time)
      .slice(0, filter.limit ?? 100);
    const body = { events: merged, unreachable: peers.unreachable };
    sendWhole(req, res, body);
  });

  // Live stream (server-sent events): each new event as it is logged, with the id SERVER:N.
  // On connect an id-only frame (dispatches nothing) gives EventSource the current last id,
  // so even a client that saw no event yet gets what it missed when it reconnects. With
  // Last-Event-ID (or ?lastEventId=) the missed events come first (event-replay.ts), as
  // GET /events shows them, or an `event: reset` when that cannot be exact. `event: monitors`
  // says that another server's monitor rows changed (or went stale) as this agent has them.
  r.get(
    '/events/stream',
    requireRole('viewer'),
    (req: Request, res: Response, next) => {
      const q = streamQuery.safeParse(req.query);
      if (!q.success) {
        badRequest(res, q.error);
        return;
      }
      next();
    },
    streams,
    (req: Request, res: Response) => {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      const header = req.headers['last-event-id'];
      const last = typeof header === 'string' ? header : (req.query.lastEventId as string | undefined);
      const frame = (e: { id: number }) =>
        `id: ${streamId(ctx.self, e.id)}\nevent: event\ndata: ${JSON.stringify(e)}\n\n`;
      // Listening before reading the log: an event logged while it is read (a report of the
      // read itself) is sent once, after the replay, and never lost between the two.
      let sent = 0;
      let replaying = true;
      const held: Array<{ id: number }> = [];
      const onEvent = (e: { id: number }) => {
        if (replaying) {
          held.push(e);
        } else if (e.id > sent) {
          sent = e.id;
          res.write(frame(e));
        }
      };
      ctx.events.on('event', onEvent);
      // Without a Last-Event-ID only the newest id is needed.
      const recent = ctx.events.query({ limit: last ? MAX_REPLAY : 1 });
      sent = recent[0]?.id ?? 0;
      let out = `: connected\nid: ${streamId(ctx.self, sent)}\n\n`;
      const plan = planReplay(last, ctx.self, recent);
      if ('reset' in plan) {
        out += `event: reset\ndata: ${JSON.stringify({ reason: plan.reset, lastEventId: streamId(ctx.self, sent) })}\n\n`;
      } else {
        out += plan.replay.map((e) => frame(expandTrapEvent(e))).join('');
      }
      res.write(out);
      replaying = false;
      held.forEach(onEvent);
      // Another server's monitor rows changed here (they are its events, in its log): the
      // console re-reads GET /monitors. No id: replay is of this agent's log only.
      const offMonitors = ctx.monitors.onChange((c) => res.write(`event: monitors\ndata: ${JSON.stringify(c)}\n\n`));
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        ctx.events.off('event', onEvent);
        offMonitors();
      });
    }
  );
  return r;
}
