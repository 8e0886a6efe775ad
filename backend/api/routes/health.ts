import { Router } from 'express';
import type { AgentContext } from '../context';

/** Liveness and readiness, unauthenticated (load balancers and systemd probes have no token). */
export function healthRoutes(ctx: AgentContext): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', server: ctx.self });
  });
  r.get('/readyz', (_req, res) => {
    const state = ctx.ready();
    res.status(state.ready ? 200 : 503).json({ ready: state.ready, reasons: state.reasons });
  });
  return r;
}
