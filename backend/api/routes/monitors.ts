import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';
import { notModified, weakTag } from '../state-tag';
import { MONITOR_STATUSES } from '../../monitors/monitor-board';
import { forwardToPeers } from './monitors-forward';

const listQuery = z.strictObject({
  monitor: z.string().max(63).optional(),
  server: z.string().max(63).optional(),
  status: z.enum(MONITOR_STATUSES).optional(),
});
const clearBody = z.strictObject({ server: z.string().max(63).optional() }).default({});

/**
 * Monitors cluster-wide. GET /monitors: every monitor x server as its own server's agent has
 * it (cluster-rows.ts), so every agent answers the same; each row says where it comes from
 * (`origin`, `seenAt`, `stale`). Clear, suspend and resume are carried out by the agent of
 * each server concerned (the authority for its rows), forwarded with the peer token; the
 * servers whose agents did not answer are listed in `unreachable`.
 */
export function monitorRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.get('/monitors', requireRole('viewer'), (req: Request, res: Response) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) {
      badRequest(res, q.error);
      return;
    }
    const { monitor, server, status } = q.data;
    // The ETag follows the state, not `seenAt` (refreshed by every poll of a peer): it is
    // made from what the rows depend on (PeerMonitors.stateKey) and the filters, so a
    // revalidation is answered without building the rows (16,384 at most, 2 MB of JSON).
    const tag = weakTag([ctx.monitors.stateKey(), monitor, server, status]);
    if (notModified(req, res, tag)) {
      return;
    }
    const monitors = ctx.monitors
      .rows()
      .filter(
        (m) =>
          (monitor === undefined || m.monitor === monitor) &&
          (server === undefined || m.server === server) &&
          (status === undefined || m.status === status)
      );
    const sources = ctx.monitors.sources();
    res.type('application/json').send(Buffer.from(JSON.stringify({ monitors, sources })));
  });

  r.post('/monitors/:name/clear', requireRole('operator'), async (req: Request, res: Response) => {
    const name = String(req.params.name);
    const body = clearBody.safeParse(req.body ?? {});
    if (!body.success) {
      badRequest(res, body.error);
      return;
    }
    if (!ctx.board.has(name)) {
      res.status(404).json({ error: `no monitor is named "${name}"` });
      return;
    }
    const server = body.data.server;
    // The event log and the board only ever hold names from the configuration.
    if (server !== undefined && !ctx.board.get(name, server)) {
      const known = ctx.config().servers.some((s) => s.name === server);
      res.status(400).json({
        error: 'invalid request',
        problems: [
          {
            path: 'server',
            message: known ? `monitor ${name} does not run on ${server}` : `no server is named "${server}"`,
          },
        ],
      });
      return;
    }
    const by = req.principal?.name ?? 'unknown';
    const reason = `cleared by ${by}`;
    // This agent's own row, then its copies of other servers' rows (kept for when they are silent).
    let cleared = server === undefined || server === ctx.self ? ctx.board.clear(name, ctx.self, reason) : 0;
    ctx.board.clear(name, server, reason);
    const peers = server === undefined ? ctx.monitors.peers() : server === ctx.self ? [] : [server];
    const forwarded = await forwardToPeers(ctx, peers, `/internal/monitors/${encodeURIComponent(name)}/clear`, {
      by: `${by} (through ${ctx.self})`,
      everywhere: server === undefined,
    });
    cleared += forwarded.count;
    ctx.events.append({
      time: Date.now(),
      server: server ?? ctx.self,
      type: 'monitor-clear',
      class: 'informational',
      monitor: name,
      source: `api:${req.principal?.name}`,
      summary: `monitor ${name} cleared by ${req.principal?.name} (${cleared} server${cleared === 1 ? '' : 's'})`,
    });
    res.json({ monitor: name, cleared, unreachable: forwarded.unreachable });
  });

  // Suspend/resume: a suspended monitor neither raises errors nor asks for recovery.
  for (const action of ['suspend', 'resume'] as const) {
    r.post(`/monitors/:name/${action}`, requireRole('operator'), async (req: Request, res: Response) => {
      const name = String(req.params.name);
      if (!ctx.board.has(name)) {
        res.status(404).json({ error: `no monitor is named "${name}"` });
        return;
      }
      const by = req.principal?.name ?? 'unknown';
      const suspend = action === 'suspend';
      const reason = `${action}ed by ${by}`;
      const changed = ctx.board.suspend(name, suspend, reason, ctx.self);
      ctx.board.suspend(name, suspend, reason); // this agent's copies of the other servers' rows
      const forwarded = await forwardToPeers(
        ctx,
        ctx.monitors.peers(),
        `/internal/monitors/${encodeURIComponent(name)}/${action}`,
        { by: `${by} (through ${ctx.self})` }
      );
      res.json({
        monitor: name,
        [suspend ? 'suspended' : 'resumed']: changed + forwarded.count,
        unreachable: forwarded.unreachable,
      });
    });
  }
  return r;
}
