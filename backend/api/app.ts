/**
 * The agent's HTTP API under /api/v1 (and /metrics for Prometheus), as an express app:
 * security headers, bearer tokens with roles, then JSON bodies within size limits, JSON errors.
 */
import express from 'express';
import helmet from 'helmet';
import { Counter } from 'prom-client';
import { authenticate, requireRole } from './auth';
import type { AgentContext } from './context';
import { renderExposition } from './exposition';
import { SnapshotCache } from './snapshot-cache';
import { errorHandler } from './errors';
import { jsonBodies } from './json-body';
import { configRoutes } from './routes/config';
import { configWriteRoutes, type ConfigWriteContext } from './routes/config-write';
import { eventRoutes } from './routes/events';
import { groupRoutes } from './routes/groups';
import { healthRoutes } from './routes/health';
import { monitorRoutes } from './routes/monitors';
import { internalMonitorRoutes } from './routes/monitors-internal';
import { notifyRoutes } from './routes/notify';
import { serverRoutes } from './routes/servers';
import { statusRoutes } from './routes/status';
import type { PeerAuthority } from './peer-token';
import type { TokenStore } from './tokens';
import type { Clock } from '../time/clock';

export interface ApiOptions {
  /** Configuration changes (absent: read-only API). */
  configWrite?: ConfigWriteContext;
  tokens: TokenStore;
  /** Recognizes the peer token of the cluster's agents (peer-token.ts). */
  peer?: PeerAuthority;
  /** Whether /metrics needs no token: read per request (a new revision may change it). */
  publicMetrics: () => boolean;
  log: { error: (o: object, m: string) => void };
  /** The agent's clock, for the failed-authentication windows (default: systemClock). */
  clock?: Clock;
}

export function createApp(ctx: AgentContext, options: ApiOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());

  const failures = new Counter({
    name: 'lifeline_api_auth_failures_total',
    help: 'Rejected API authentications, by reason.',
    labelNames: ['reason'],
    registers: [ctx.registry],
  });
  const auth = authenticate({ tokens: options.tokens, peer: options.peer, failures, clock: options.clock });

  // Scrapes that arrive while one is being rendered share it (never a stale one: tests and
  // operators read counters right after acting).
  const exposition = new SnapshotCache(0);
  const metrics: express.RequestHandler = async (_req, res, next) => {
    try {
      res.setHeader('Content-Type', ctx.registry.contentType);
      res.end(await exposition.get(() => renderExposition(ctx.registry)));
    } catch (e) {
      next(e);
    }
  };
  const viewer = requireRole('viewer');
  app.get(
    '/metrics',
    (req, res, next) =>
      options.publicMetrics() ? next() : auth(req, res, (e?: unknown) => (e ? next(e) : viewer(req, res, next))),
    metrics
  );

  const v1 = express.Router();
  v1.use(healthRoutes(ctx));
  v1.use(auth);
  v1.use(jsonBodies());
  v1.get('/metrics', requireRole('viewer'), metrics);
  v1.use(eventRoutes(ctx));
  v1.use(groupRoutes(ctx));
  v1.use(monitorRoutes(ctx));
  v1.use(internalMonitorRoutes(ctx));
  v1.use(notifyRoutes(ctx));
  v1.use(serverRoutes(ctx));
  v1.use(statusRoutes(ctx));
  v1.use(configRoutes(ctx));
  if (options.configWrite) {
    v1.use(configWriteRoutes(ctx, options.configWrite));
  }
  app.use('/api/v1', v1);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(options.log));
  return app;
}
