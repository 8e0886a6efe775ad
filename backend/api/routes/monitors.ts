import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentContext } from '../context';
import { requireRole } from '../auth';
import { badRequest } from '../errors';
import { MONITOR_STATUSES } from '../../monitors/monitor-board';

const listQuery = z.strictObject({
  monitor: z.string().max(63).optional(),
  server: z.string().max(63).optional(),
  status: z.enum(MONITOR_STATUSES).optional(),
});
const clearBody = z.strictObject({ server: z.string().max(63).optional() }).default({});

export function monitorRoutes(ctx: AgentContext): Router {
  const r = Router();
  // Every monitor x server state (the status has one entry per monitor), optionally filtered.
  r.get('/monitors', requireRole('viewer'), (req: Request, res: Response) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) {
      badRequest(res, q.error);
      return;
    }
    const { monitor, server, status } = q.data;
    const monitors = ctx.board
      .list()
      .filter(
        (m) =>
          (monitor === undefined || m.monitor === monitor) &&
          (server === undefined || m.server === server) &&
          (status === undefined || m.status === status)
      );
    res.json({ monitors });
  });

  r.post('/monitors/:name/clear', requireRole('operator'), (req: Request, res: Response) => {
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
    const cleared = ctx.board.clear(name, body.data.server, `cleared by ${req.principal?.name ?? 'unknown'}`);
    ctx.events.append({
      time: Date.now(),
      server: body.data.server ?? ctx.self,
      type: 'monitor-clear',
      class: 'informational',
      monitor: name,
      source: `api:${req.principal?.name}`,
      summary: `monitor ${name} cleared by ${req.principal?.name} (${cleared} server${cleared === 1 ? '' : 's'})`,
    });
    res.json({ monitor: name, cleared });
  });
  // Suspend/resume: a suspended monitor neither raises errors nor asks for recovery.
  for (const action of ['suspend', 'resume'] as const) {
    r.post(`/monitors/:name/${action}`, requireRole('operator'), (req: Request, res: Response) => {
      const name = String(req.params.name);
      if (!ctx.board.has(name)) {
        res.status(404).json({ error: `no monitor is named "${name}"` });
        return;
      }
      const changed = ctx.board.suspend(
        name,
        action === 'suspend',
        `${action}ed by ${req.principal?.name ?? 'unknown'}`
      );
      res.json({ monitor: name, [action === 'suspend' ? 'suspended' : 'resumed']: changed });
    });
  }
  return r;
}
