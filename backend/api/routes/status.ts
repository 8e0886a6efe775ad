import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { SnapshotCache } from '../snapshot-cache';

/** How long one rendered status is served (well under any heartbeat interval). */
export const STATUS_CACHE_MS = 100;

interface Rendered {
  body: Buffer;
  etag: string;
}

/**
 * The bytes and their validator are made once per render: left to express, every request
 * hashed the body again for its ETag and encoded the string again.
 */
function render(status: object): Rendered {
  const body = Buffer.from(JSON.stringify(status));
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** GET /status: servers, interconnect paths, BMCs, groups, monitors and configuration in one snapshot. */
export function statusRoutes(ctx: AgentContext): Router {
  const r = Router();
  const cache = new SnapshotCache<Rendered>(STATUS_CACHE_MS);
  r.get('/status', requireRole('viewer'), async (_req, res) => {
    const { body, etag } = await cache.get(() => render(ctx.status()));
    // Revalidate every time: If-None-Match answers 304 while the snapshot is unchanged.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    res.type('application/json').send(body);
  });
  return r;
}
