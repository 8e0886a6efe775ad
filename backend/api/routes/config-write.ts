import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { formatPath, validateConfig } from '../../config/model';
import { ApplyError, type ConfigApplier } from '../../agent/config-apply';
import { decisionBody, prepareBody, type AbortAnswer, type CommitAnswer } from '../../peer/schemas';
import type { AgentContext } from '../context';
import { applyErrorStatus } from '../refusals';
import { requirePeer, requireRole } from '../auth';
import { badRequest } from '../errors';

export interface ConfigWriteContext {
  applier: ConfigApplier;
  history: () => Array<{ revision: number; hash: string; appliedAt: string; source: string }>;
}

const rollback = z.strictObject({ revision: z.number().int().positive() });

function sendApplyError(res: Response, e: unknown) {
  if (e instanceof ApplyError) {
    res
      .status(applyErrorStatus(e.kind))
      .json({ error: e.message, problems: e.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) });
    return;
  }
  throw e;
}

/** If-Match is required on writes (lost updates are conflicts, never silent overwrites). */
function ifMatch(req: Request, res: Response): number | undefined {
  const header = req.headers['if-match'];
  const m = typeof header === 'string' ? /^(?:W\/)?"(\d+)"$/.exec(header.trim()) : null;
  if (!m) {
    res.status(428).json({ error: 'If-Match with the revision you edited (the ETag of GET /config) is required' });
    return undefined;
  }
  return Number(m[1]);
}

/**
 * PUT /config (admin): validate and apply cluster-wide; POST /config/validate: dry run;
 * GET /config/history; POST /config/rollback (admin). /internal/config/*: the two-phase
 * exchange between agents (peer principal only).
 */
export function configWriteRoutes(ctx: AgentContext, w: ConfigWriteContext): Router {
  const r = Router();

  r.post('/config/validate', requireRole('viewer'), (req: Request, res: Response) => {
    const result = validateConfig(req.body);
    res.json(
      result.ok
        ? { valid: true, problems: [] }
        : { valid: false, problems: result.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) }
    );
  });

  r.put('/config', requireRole('admin'), async (req: Request, res: Response) => {
    const base = ifMatch(req, res);
    if (base === undefined) {
      return;
    }
    try {
      const result = await w.applier.apply(req.body, base, `api:${req.principal?.name}`);
      res.setHeader('ETag', `"${result.revision}"`);
      res.json(result);
    } catch (e) {
      sendApplyError(res, e);
    }
  });

  r.get('/config/history', requireRole('viewer'), (_req, res) => {
    res.json({ revisions: w.history() });
  });

  r.post('/config/rollback', requireRole('admin'), async (req: Request, res: Response) => {
    const body = rollback.safeParse(req.body);
    if (!body.success) {
      badRequest(res, body.error);
      return;
    }
    const old = ctx.configRevision(body.data.revision);
    if (!old) {
      res.status(404).json({ error: `revision ${body.data.revision} is not kept by this agent` });
      return;
    }
    // If-Match is optional here (the CLI rolls back to "what is current now"); the editor sends
    // it, so a rollback cannot silently undo an apply it has not seen.
    const base = req.headers['if-match'] === undefined ? ctx.revision().revision : ifMatch(req, res);
    if (base === undefined) {
      return;
    }
    try {
      const result = await w.applier.apply(old.config, base, `rollback:${old.revision} by api:${req.principal?.name}`);
      res.setHeader('ETag', `"${result.revision}"`);
      res.json(result);
    } catch (e) {
      sendApplyError(res, e);
    }
  });

  r.post('/internal/config/prepare', requirePeer, (req: Request, res: Response) => {
    const p = prepareBody.safeParse(req.body);
    if (!p.success) {
      badRequest(res, p.error);
      return;
    }
    const answer = w.applier.prepare(p.data);
    res.status(answer.ok ? 200 : 409).json(answer);
  });
  r.post('/internal/config/commit', requirePeer, async (req: Request, res: Response) => {
    const d = decisionBody.safeParse(req.body);
    if (!d.success) {
      badRequest(res, d.error);
      return;
    }
    const done = await w.applier.commit(d.data.revision, d.data.hash, 'coordinator');
    if (!done) {
      res.status(409).json({ error: 'nothing prepared for this revision' });
      return;
    }
    res.json({ revision: done.stored.revision, report: done.report } satisfies CommitAnswer);
  });
  r.post('/internal/config/abort', requirePeer, (req: Request, res: Response) => {
    const d = decisionBody.safeParse(req.body);
    if (!d.success) {
      badRequest(res, d.error);
      return;
    }
    w.applier.abort(d.data.revision, d.data.hash);
    res.json({ aborted: true } satisfies AbortAnswer);
  });
  return r;
}
