import { Router } from 'express';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { SnapshotCache } from '../snapshot-cache';

/** How long one rendered status is served (well under any heartbeat interval). */
export const STATUS_CACHE_MS = 100;

/** GET /status: servers, interconnect paths, BMCs, groups, monitors and configuration in one snapshot. */
export function statusRoutes(ctx: AgentContext): Router {
  const r = Router();
  const cache = new SnapshotCache(STATUS_CACHE_MS);
  r.get('/status', requireRole('viewer'), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/json').send(await cache.get(() => JSON.stringify(ctx.status())));
  });
  return r;
}
