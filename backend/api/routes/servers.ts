import { Router, type Request, type Response } from 'express';
import { confirmDownBody, type OkAnswer } from '../../peer/schemas';
import type { AgentContext } from '../context';
import { requirePeer, requireRole } from '../auth';
import { badRequest } from '../errors';

/**
 * POST /servers/NAME/confirm-down (admin): an operator affirms that a silent server runs
 * nothing (powered off, unplugged, seen dead), so its groups may start elsewhere. Needed
 * only without fencing and without a watchdog, where nothing else can prove it
 * (protection/silence.ts). Refused for a server that is heard. Every peer is told.
 * /internal/servers/confirm-down: the same, relayed by the agent the operator used.
 */
export function serverRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.post('/servers/:name/confirm-down', requireRole('admin'), (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!ctx.config().servers.some((s) => s.name === name)) {
      res.status(404).json({ error: `no server is named "${name}"` });
      return;
    }
    const refused = ctx.groups.confirmDown(name, true);
    if (refused !== null) {
      res.status(409).json({ error: refused });
      return;
    }
    ctx.log.error({ server: name, by: req.principal?.name }, 'server confirmed down by an operator');
    res.json({ server: name, confirmedDown: true });
  });
  // POST /agent/restart (admin): this agent restarts (one step of `lifeline cluster restart`).
  r.post('/agent/restart', requireRole('admin'), (req: Request, res: Response) => {
    const by = `api:${req.principal?.name}`;
    if (!ctx.restart) {
      res.status(501).json({ error: 'this agent cannot restart itself: restart its service' });
      return;
    }
    // Answered first: the restart closes this very connection.
    res.once('finish', () => ctx.restart!(`restart requested by ${by}`));
    res.status(202).json({ server: ctx.self, restarting: true });
  });
  r.post('/internal/servers/confirm-down', requirePeer, (req: Request, res: Response) => {
    const body = confirmDownBody.safeParse(req.body);
    if (!body.success) {
      badRequest(res, body.error);
      return;
    }
    const refused = ctx.groups.confirmDown(body.data.server, false);
    if (refused !== null) {
      res.status(409).json({ error: refused });
      return;
    }
    res.json({ ok: true } satisfies OkAnswer);
  });
  return r;
}
