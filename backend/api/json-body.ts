/**
 * Request bodies of the JSON API. A body in another format is refused (415), never ignored:
 * an ignored body reads as "no options", and a `text/plain` move to a group's current server
 * used to move the group somewhere else. Bodies are read only after authentication (a
 * stranger's megabytes are never buffered or parsed) and within a size limit per endpoint:
 * configurations may be large, nothing else is.
 */
import express, { type NextFunction, type Request, type Response } from 'express';

/** A maximum-size configuration (32 servers, 128 groups, 512 monitors) is about 0.8 MB of JSON. */
export const CONFIG_BODY_LIMIT = '4mb';
export const BODY_LIMIT = '64kb';
/** Endpoints that carry a whole configuration (prefixes, as express.Router.use matches them). */
const CONFIG_BODIES = ['/config', '/internal/config/prepare'];

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
}

export function requireJson(req: Request, res: Response, next: NextFunction) {
  if (hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
    res.status(415).json({
      error: `the request body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'untyped'}`,
    });
    return;
  }
  next();
}

/** The body middleware of the API router, after authentication. */
export function jsonBodies(): express.Router {
  const r = express.Router();
  r.use(requireJson);
  r.use(CONFIG_BODIES, express.json({ limit: CONFIG_BODY_LIMIT }));
  r.use(express.json({ limit: BODY_LIMIT }));
  return r;
}
