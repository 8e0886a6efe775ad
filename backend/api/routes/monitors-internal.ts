import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requirePeer } from '../auth';
import { badRequest } from '../errors';
import { notModified } from '../state-tag';
import { ownTag } from '../../agent/peer-monitors';

const announced = z.strictObject({
  server: z.string().max(63),
  epoch: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
});
/** `everywhere`: the action was for every server, so this agent's copies of the others' rows too. */
const action = z.strictObject({ by: z.string().max(256), everywhere: z.boolean().optional() });
const notification = z.strictObject({
  category: z.string().min(1).max(256),
  keyword: z.string().max(4096).optional(),
  message: z.string().max(4096).optional(),
  source: z.string().max(256),
});

/**
 * The agent-to-agent side of cluster-wide monitors (peer principal only):
 *   GET  /internal/monitors          this server's own rows; ETag W/"epoch.version", 304 when unchanged
 *   POST /internal/monitors/changed  a peer's rows changed ({server, epoch, version}): fetch them
 *   POST /internal/monitors/NAME/clear|suspend|resume  an operator's action taken at another
 *        agent, on this server's own row (and, unless `everywhere: false`, on this agent's
 *        copies of the other servers' rows); `changed`
 *        counts this server's own rows only, so the requester can add the answers up
 *   POST /internal/notify            a notification for this server taken at another agent
 */
export function internalMonitorRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.get('/internal/monitors', requirePeer, (req: Request, res: Response) => {
    // Polled four times per heartbeat timeout by every peer: a 304 must not build the rows.
    if (!notModified(req, res, ownTag(ctx.board.epoch, ctx.board.version))) {
      res.json(ctx.monitors.own());
    }
  });

  r.post('/internal/monitors/changed', requirePeer, (req: Request, res: Response) => {
    const b = announced.safeParse(req.body);
    if (!b.success) {
      badRequest(res, b.error);
      return;
    }
    ctx.monitors.changed(b.data.server, b.data.epoch, b.data.version);
    res.json({ ok: true });
  });

  for (const what of ['clear', 'suspend', 'resume'] as const) {
    r.post(`/internal/monitors/:name/${what}`, requirePeer, (req: Request, res: Response) => {
      const b = action.safeParse(req.body);
      if (!b.success) {
        badRequest(res, b.error);
        return;
      }
      const name = String(req.params.name);
      if (!ctx.board.has(name)) {
        res.status(404).json({ error: `no monitor is named "${name}"` });
        return;
      }
      const reason = `${what === 'clear' ? 'cleared' : `${what}ed`} by ${b.data.by}`;
      const apply = (server?: string) =>
        what === 'clear'
          ? ctx.board.clear(name, server, reason)
          : ctx.board.suspend(name, what === 'suspend', reason, server);
      const changed = apply(ctx.self);
      if (b.data.everywhere !== false) {
        apply(undefined);
      }
      res.json({ changed });
    });
  }

  r.post('/internal/notify', requirePeer, (req: Request, res: Response) => {
    const n = notification.safeParse(req.body);
    if (!n.success) {
      badRequest(res, n.error);
      return;
    }
    res.status(202).json({ monitors: ctx.intake.notify(n.data), server: ctx.self });
  });
  return r;
}
