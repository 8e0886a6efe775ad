import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';

const query = z.strictObject({ revision: z.coerce.number().int().positive().optional() });

/**
 * GET /config: the configuration this agent stores, `{revision, hash, config}` (secrets are
 * references, token entries are hashes). `?revision=N` asks for a kept older revision (peers
 * fetch exactly the revision they were told about). ETag is the revision; If-None-Match
 * answers 304.
 */
export function configRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.get('/config', requireRole('viewer'), (req: Request, res: Response) => {
    const q = query.safeParse(req.query);
    if (!q.success) {
      badRequest(res, q.error);
      return;
    }
    const stored = ctx.configRevision(q.data.revision);
    if (!stored) {
      res.status(404).json({ error: `revision ${q.data.revision} is not kept by this agent` });
      return;
    }
    const etag = `"${stored.revision}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    const match = req.headers['if-none-match'];
    if (match !== undefined && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      res.status(304).end();
      return;
    }
    res.json({ revision: stored.revision, hash: stored.hash, config: stored.config });
  });
  return r;
}
