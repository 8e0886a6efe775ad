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

/** External notification (the product's remote-notice command): message-receive monitors go into error. */
export function notifyRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.post('/notify', requireRole('operator'), (req: Request, res: Response) => {
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
    const monitors = ctx.intake.notify({ ...n.data, source: `api:${req.principal?.name}` });
    res.status(202).json({ monitors });
  });
  return r;
}
