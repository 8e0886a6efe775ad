import { Router } from 'express';
import { stableStatus, type ClusterStatus } from '../../agent/status';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { SnapshotCache } from '../snapshot-cache';
import { sendState, weakTag } from '../state-tag';

/** How long one rendered status is served (well under any heartbeat interval). */
export const STATUS_CACHE_MS = 100;

interface Rendered {
  body: Buffer;
  etag: string;
}

/**
 * The bytes and their validator are made once per render: left to express, every request
 * hashed the body again for its ETag and encoded the string again. The validator covers
 * the state only (stableStatus says what is left out and why).
 */
function render(status: ClusterStatus): Rendered {
  return { body: Buffer.from(JSON.stringify(status)), etag: weakTag(stableStatus(status)) };
}

/** GET /status: servers, interconnect paths, BMCs, groups, monitors and configuration in one snapshot. */
export function statusRoutes(ctx: AgentContext): Router {
  const r = Router();
  const cache = new SnapshotCache<Rendered>(STATUS_CACHE_MS);
  r.get('/status', requireRole('viewer'), async (req, res) => {
    const { body, etag } = await cache.get(() => render(ctx.status()), ctx.revision().revision);
    sendState(req, res, body, etag);
  });
  return r;
}
