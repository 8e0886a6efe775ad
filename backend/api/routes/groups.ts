import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { OperationError, type Outcome } from '../../groups/operations';
import {
  leavingBody,
  requestBody,
  stepBody,
  type OkAnswer,
  type RequestAnswer,
  type StepAnswer,
} from '../../peer/schemas';
import type { AgentContext } from '../context';
import { refusalStatus } from '../refusals';
import { requirePeer, requireRole } from '../auth';
import { badRequest } from '../errors';
import { sendWhole } from '../state-tag';

const target = z.strictObject({ server: z.string().min(1).max(63).optional() }).default({});
/** How long an operator's request waits for the operation by default; it carries on after. */
const DEFAULT_WAIT_S = 60;
const MAX_WAIT_S = 3600;

function sendError(res: Response, e: unknown) {
  if (e instanceof OperationError) {
    res.status(refusalStatus(e.kind)).json({ error: e.message });
    return;
  }
  throw e;
}

/**
 * Group state and operations. GET /groups: every group as this agent sees the cluster;
 * POST /groups/NAME/start|stop|move (operator): decided by the deciding server (this agent
 * forwards the request when it is another: controller/decider.ts), each step on the server
 * concerned. A request waits for the operation (at most ?wait= seconds,
 * default 60); past that it answers 202 and the operation carries on (watch GET /groups/NAME).
 * /internal/groups/request: a request forwarded to this server as the decider;
 * /internal/groups/NAME/start|stop: one step on this server, for the deciding agent;
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
        running = g.request({
          op: operation,
          group: name,
          server: operation === 'stop' ? undefined : server,
          requestedBy,
        });
      } catch (e) {
        sendError(res, e);
        return;
      }
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
      const body = stepBody.safeParse(req.body);
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
        res.json({ result } satisfies StepAnswer);
      } catch (e) {
        sendError(res, e);
      }
    });
  }
  r.post('/internal/groups/request', requirePeer, async (req: Request, res: Response) => {
    const body = requestBody.safeParse(req.body);
    if (!body.success) {
      badRequest(res, body.error);
      return;
    }
    try {
      res.json({ outcome: await g.decide(body.data) } satisfies RequestAnswer);
    } catch (e) {
      sendError(res, e);
    }
  });
  r.post('/internal/leaving', requirePeer, (req: Request, res: Response) => {
    const body = leavingBody.safeParse(req.body);
    if (!body.success) {
      badRequest(res, body.error);
      return;
    }
    g.peerLeft(body.data.server, body.data.incarnation);
    res.json({ ok: true } satisfies OkAnswer);
  });
  return r;
}
