import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { OperationError, type Outcome } from '../../groups/operations';
import type { AgentContext } from '../context';
import { requirePeer, requireRole } from '../auth';
import { badRequest } from '../errors';
import { sendWhole } from '../state-tag';

const target = z.strictObject({ server: z.string().min(1).max(63).optional() }).default({});
const step = z.strictObject({
  event: z.enum(['START', 'STOP', 'MOVE', 'FAILOVER', 'RECOVER']),
  from: z.string().max(63).optional(),
  requestedBy: z.string().max(128),
});
/** How long an operator's request waits for the operation by default; it carries on after. */
const DEFAULT_WAIT_S = 60;
const MAX_WAIT_S = 3600;

function sendError(res: Response, e: unknown) {
  if (e instanceof OperationError) {
    res.status(e.status).json({ error: e.message });
    return;
  }
  throw e;
}

/**
 * Group state and operations. GET /groups: every group as this agent sees the cluster;
 * POST /groups/NAME/start|stop|move (operator): coordinated from this agent, each step on
 * the server concerned. A request waits for the operation (at most ?wait= seconds,
 * default 60); past that it answers 202 and the operation carries on (watch GET /groups/NAME).
 * /internal/groups/NAME/start|stop: one step on this server, for a coordinating agent;
 * /internal/leaving: a peer stopping cleanly (split-brain.ts).
 */
export function groupRoutes(ctx: AgentContext): Router {
  const r = Router();
  const g = ctx.groups;

  // ETag: the whole answer, nothing left out (a group view has no ages or samples; a field
  // that changes while nothing happens must be left out of the tag here, see state-tag.ts).
  r.get('/groups', requireRole('viewer'), (req, res) => {
    const body = { groups: g.list() };
    sendWhole(req, res, body);
  });
  r.get('/groups/:name', requireRole('viewer'), (req, res) => {
    const found = g.list().find((x) => x.name === req.params.name);
    if (!found) {
      res.status(404).json({ error: `no group is named "${req.params.name}"` });
      return;
    }
    sendWhole(req, res, found);
  });

  for (const operation of ['start', 'stop', 'move'] as const) {
    r.post(`/groups/:name/${operation}`, requireRole('operator'), async (req: Request, res: Response) => {
      const body = target.safeParse(req.body ?? {});
      if (!body.success) {
        badRequest(res, body.error);
        return;
      }
      const wait = Number(req.query.wait ?? DEFAULT_WAIT_S);
      if (!Number.isFinite(wait) || wait < 0 || wait > MAX_WAIT_S) {
        res.status(400).json({ error: `wait must be a number of seconds from 0 to ${MAX_WAIT_S}` });
        return;
      }
      const name = String(req.params.name);
      const requestedBy = `api:${req.principal?.name ?? 'unknown'}`;
      const { server } = body.data;
      let running: Promise<Outcome>;
      try {
        running =
          operation === 'start'
            ? g.operations.start(name, { server, requestedBy })
            : operation === 'stop'
              ? g.operations.stop(name, { requestedBy })
              : g.operations.move(name, { server, requestedBy });
      } catch (e) {
        sendError(res, e);
        return;
      }
      // Refusals (404/409/503) come before any step runs, so they are always answered.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'waiting'>((resolve) => (timer = setTimeout(() => resolve('waiting'), wait * 1000)));
      try {
        const outcome = await Promise.race([running, timeout]);
        if (outcome === 'waiting') {
          running.catch((e) => ctx.log.error({ err: String(e), group: name, operation }, 'group operation failed'));
          res
            .status(202)
            .json({ group: name, operation, done: false, detail: 'in progress; watch GET /groups/' + name });
          return;
        }
        res.json({ ...outcome, done: true });
      } catch (e) {
        sendError(res, e);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  for (const action of ['start', 'stop'] as const) {
    r.post(`/internal/groups/:name/${action}`, requirePeer, async (req: Request, res: Response) => {
      const body = step.safeParse(req.body);
      if (!body.success) {
        badRequest(res, body.error);
        return;
      }
      const name = String(req.params.name);
      try {
        const result =
          action === 'start'
            ? await g.operations.startHere(name, body.data)
            : await g.operations.stopHere(name, body.data);
        res.json({ result });
      } catch (e) {
        sendError(res, e);
      }
    });
  }
  const leaving = z.strictObject({ server: z.string().max(63), incarnation: z.string().regex(/^\d{1,20}$/) });
  r.post('/internal/leaving', requirePeer, (req: Request, res: Response) => {
    const body = leaving.safeParse(req.body);
    if (!body.success) {
      badRequest(res, body.error);
      return;
    }
    g.peerLeft(body.data.server, body.data.incarnation);
    res.json({ ok: true });
  });
  return r;
}
