import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { formatPath, problemsFromZod } from '../config/model';
import { dropUnreadBody } from './json-body';

/** 400 with every problem and its path, the same shape as configuration errors. */
export function badRequest(res: Response, error: z.ZodError) {
  res.status(400).json({
    error: 'invalid request',
    problems: problemsFromZod(error).map((p) => ({ path: formatPath(p.path), message: p.message })),
  });
}

/** Last resort: malformed JSON and oversized bodies are client errors; anything else is logged, never shown. */
export function errorHandler(log: { error: (o: object, m: string) => void }) {
  return (err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    dropUnreadBody(req, res);
    if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'the request body is not valid JSON (an object or an array)' });
    } else if (err.type === 'entity.too.large') {
      res.status(413).json({ error: 'the request body is too large' });
    } else if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      // A full disk is the operator's to fix: say so (with the file), not "internal error".
      log.error({ err: { message: err.message, name: err.name } }, 'API request failed: no space left on the device');
      res.status(507).json({ error: err.message });
    } else if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: err.message });
    } else {
      log.error({ err: { message: err.message, name: err.name } }, 'API request failed');
      res.status(500).json({ error: 'internal error' });
    }
  };
}
