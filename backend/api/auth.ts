/**
 * express middleware: bearer-token authentication, role checks, and a limit on failed
 * attempts per client address (a client stuck with a wrong token, or guessing, gets 429
 * and cannot flood the log). Failures answer JSON bodies.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Counter } from 'prom-client';
import type { Role } from '../config/model';
import { PEER_PRINCIPAL } from './peer-token';
import { ROLE_RANK, type TokenEntry, type TokenStore } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: TokenEntry;
  }
}

export interface AuthOptions {
  tokens: TokenStore;
  failures: Counter<'reason'>;
  /** Failed attempts allowed per client address per window before 429. */
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export function authenticate(options: AuthOptions) {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const maxFailures = options.maxFailures ?? 20;
  const failures = new Map<string, { count: number; since: number }>();

  return (req: Request, res: Response, next: NextFunction) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header);
    const principal = match ? options.tokens.authenticate(match[1]) : undefined;
    if (principal) {
      // A valid token always passes: one client's wrong token (say, a user behind the same
      // Grafana server) must not lock out the others. Tokens are 256-bit random: the limit
      // protects the log and the CPU, not the token space.
      req.principal = principal;
      next();
      return;
    }
    const f = failures.get(client);
    const current = f && now() - f.since < windowMs ? f : { count: 0, since: now() };
    current.count++;
    if (failures.size > 10_000) {
      failures.clear();
    }
    failures.set(client, current);
    if (current.count > maxFailures) {
      options.failures.labels('rate-limited').inc();
      res.setHeader('Retry-After', String(Math.ceil((current.since + windowMs - now()) / 1000)));
      res.status(429).json({ error: 'too many failed authentications; try again later' });
      return;
    }
    const reason = header === '' ? 'missing' : match ? 'unknown-token' : 'malformed';
    options.failures.labels(reason).inc();
    res.setHeader('WWW-Authenticate', 'Bearer realm="lifeline"');
    res.status(401).json({ error: header === '' ? 'a bearer token is required' : 'the token is not valid' });
  };
}

export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const have = req.principal?.role;
    if (!have || ROLE_RANK[have] < ROLE_RANK[role]) {
      res.status(403).json({ error: `this needs the ${role} role; the token has ${have ?? 'none'}` });
      return;
    }
    next();
  };
}

/** Agent-to-agent endpoints (/internal/...): only the peer token derived from the cluster secret. */
export function requirePeer(req: Request, res: Response, next: NextFunction) {
  if (req.principal?.name !== PEER_PRINCIPAL) {
    res.status(403).json({ error: 'only agents of this cluster (peer token) may call this' });
    return;
  }
  next();
}
