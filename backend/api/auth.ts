/**
 * express middleware: bearer-token authentication, role checks, and a limit on failed
 * attempts per client address (a client stuck with a wrong token, or guessing, gets 429
 * and cannot flood the log). Failures answer JSON bodies.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Counter } from 'prom-client';
import type { Role } from '../config/model';
import type { Clock } from '../time/clock';
import { FailureLimiter } from './failure-limiter';
import { dropUnreadBody } from './json-body';
import { PEER_PRINCIPAL, type PeerAuthority } from './peer-token';
import { ROLE_RANK, type Principal, type TokenStore } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export interface AuthOptions {
  tokens: TokenStore;
  /** Recognizes the peer token (absent: no agent-to-agent calls are accepted). */
  peer?: PeerAuthority;
  failures: Counter<'reason'>;
  /** Failed attempts allowed per client address per window before 429. */
  maxFailures?: number;
  windowMs?: number;
  /** Client addresses remembered (least recently failed forgotten first). */
  maxClients?: number;
  clock?: Pick<Clock, 'now'>;
}

const PEER: Principal = { kind: 'peer', name: PEER_PRINCIPAL, role: 'admin' };

export function authenticate(options: AuthOptions) {
  const limiter = new FailureLimiter({
    maxFailures: options.maxFailures ?? 20,
    windowMs: options.windowMs ?? 60_000,
    maxClients: options.maxClients ?? 10_000,
    clock: options.clock,
  });

  return (req: Request, res: Response, next: NextFunction) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header);
    // Both checks always run, so the time taken does not tell a peer token from another.
    const isPeer = match !== null && options.peer !== undefined && options.peer.verify(match[1]);
    const holder = match ? options.tokens.authenticate(match[1]) : undefined;
    const principal = isPeer ? PEER : holder;
    if (principal) {
      // A valid token always passes: one client's wrong token (say, a user behind the same
      // Grafana server) must not lock out the others. Tokens are 256-bit random: the limit
      // protects the log and the CPU, not the token space.
      req.principal = principal;
      next();
      return;
    }
    dropUnreadBody(req, res);
    const verdict = limiter.fail(client);
    if (verdict.limited) {
      options.failures.labels('rate-limited').inc();
      res.setHeader('Retry-After', String(verdict.retryAfterS));
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

/**
 * Agent-to-agent endpoints (/internal/...): only the peer principal, which only the peer
 * token derived from the cluster secret produces; a configured token never does, whatever
 * its name or role.
 */
export function requirePeer(req: Request, res: Response, next: NextFunction) {
  if (req.principal?.kind !== 'peer') {
    res.status(403).json({ error: 'only agents of this cluster (peer token) may call this' });
    return;
  }
  next();
}
