/**
 * Request bodies of the JSON API. A body in another format is refused (415), never ignored:
 * an ignored body reads as "no options", and a `text/plain` move to a group's current server
 * used to move the group somewhere else. Bodies are read only after authentication (a
 * stranger's megabytes are never buffered or parsed) and within limits that bound the heap
 * they can cost: size per endpoint (configurations may be large, nothing else is), nesting
 * depth, and how many configuration-sized bodies are parsed at once.
 */
import express, { type NextFunction, type Request, type Response } from 'express';

/** A maximum-size configuration (32 servers, 128 groups, 512 monitors) is about 0.8 MB of JSON. */
export const CONFIG_BODY_LIMIT = '4mb';
export const BODY_LIMIT = '64kb';
/** Endpoints that carry a whole configuration (prefixes, as express.Router.use matches them). */
const CONFIG_BODIES = ['/config', '/internal/config/prepare'];

/**
 * Deeper than any configuration (about 8 levels): a 4 MiB body of `[[[[...` would become
 * millions of arrays and hundreds of megabytes of heap before any schema looks at it.
 */
export const MAX_DEPTH = 64;
/** Configuration-sized bodies parsed at once (an apply has one here plus one per peer's). */
export const MAX_LARGE_BODIES = 4;

/** Nesting depth of JSON text, outside strings; stops counting past `limit`. */
export function jsonDepth(buf: Buffer, limit = MAX_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) {
        i++; // backslash: skip the escaped byte
      } else if (c === 0x22) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) {
        return max;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

function checkDepth(_req: Request, _res: Response, buf: Buffer) {
  if (jsonDepth(buf) > MAX_DEPTH) {
    throw Object.assign(new Error(`the request body is nested more than ${MAX_DEPTH} levels deep`), {
      status: 400,
      type: 'entity.too.deep',
    });
  }
}

/** Refuses (503) a configuration-sized body while MAX_LARGE_BODIES are being read and parsed. */
function largeBodies() {
  let inFlight = 0;
  return (req: Request, res: Response, next: NextFunction) => {
    const length = Number(req.headers['content-length'] ?? Infinity);
    if (!hasBody(req) || length <= SMALL_BYTES) {
      next();
      return;
    }
    if (inFlight >= MAX_LARGE_BODIES) {
      dropUnreadBody(req, res);
      res.setHeader('Retry-After', '1');
      res.status(503).json({ error: 'too many large request bodies are being processed; try again shortly' });
      return;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    next();
  };
}

const SMALL_BYTES = 64 * 1024;

export function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
}

/**
 * For an answer that refuses a request before its body is read: close the connection after
 * it, so the body is never read at all (Node would otherwise read and discard every byte of
 * it to keep the connection alive: megabytes of buffers for each stranger).
 */
export function dropUnreadBody(req: Request, res: Response): void {
  if (hasBody(req) && !req.readableEnded) {
    res.setHeader('Connection', 'close');
  }
}

export function requireJson(req: Request, res: Response, next: NextFunction) {
  if (hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
    dropUnreadBody(req, res);
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
  r.use(CONFIG_BODIES, largeBodies(), express.json({ limit: CONFIG_BODY_LIMIT, verify: checkDepth }));
  r.use(express.json({ limit: BODY_LIMIT, verify: checkDepth }));
  return r;
}
