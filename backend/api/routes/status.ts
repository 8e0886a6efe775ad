import { Router } from 'express';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';

/** GET /status: servers, interconnect paths, BMCs, groups, monitors and configuration in one snapshot. */
export function statusRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.get('/status', requireRole('viewer'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(ctx.status());
  });
  return r;
}
