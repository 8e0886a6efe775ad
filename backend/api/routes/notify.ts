import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { utf8Length } from '../../config/model/primitives';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';

const body = z.strictObject({
  category: z
    .string()
    .min(1)
    .refine((s) => utf8Length(s) <= 32, { error: 'is longer than 32 bytes' }),
  keyword: z
    .string()
    .refine((s) => utf8Length(s) <= 1023, { error: 'is longer than 1023 bytes' })
    .optional(),
  message: z.string().max(4096).optional(),
  server: z.string().max(63).optional(),
});

/**
 * External notification (the product's remote-notice command): message-receive monitors go
 * into error. A notification for another server is taken by that server's agent (the
 * authority for its monitors, as for its BMC's traps: it logs the event, raises the monitors
 * and asks for recovery); only when that agent does not answer is it taken here, and the
 * answer lists the server in `unreachable`.
 */
export function notifyRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.post('/notify', requireRole('operator'), async (req: Request, res: Response) => {
    const n = body.safeParse(req.body);
    if (!n.success) {
      badRequest(res, n.error);
      return;
    }
    if (n.data.server !== undefined && !ctx.config().servers.some((s) => s.name === n.data.server)) {
      res.status(400).json({
        error: 'invalid request',
        problems: [{ path: 'server', message: `no server is named "${n.data.server}"` }],
      });
      return;
    }
    const source = `api:${req.principal?.name}`;
    const { server, ...notice } = n.data;
    if (server !== undefined && server !== ctx.self) {
      const answer = await ctx.monitors.forward(server, '/internal/notify', {
        ...notice,
        source: `${source} (through ${ctx.self})`,
      });
      const monitors = (answer?.body as { monitors?: unknown } | undefined)?.monitors;
      if (answer?.status === 202 && Array.isArray(monitors)) {
        res.status(202).json({ monitors, server, unreachable: [] });
        return;
      }
      res.status(202).json({ monitors: ctx.intake.notify({ ...n.data, source }), server, unreachable: [server] });
      return;
    }
    res.status(202).json({ monitors: ctx.intake.notify({ ...n.data, source }), server: ctx.self, unreachable: [] });
  });
  return r;
}
