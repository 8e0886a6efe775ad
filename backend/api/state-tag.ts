/**
 * Validators for the state a console polls (GET /status, /groups, /monitors): the ETag is a
 * hash of the state *without its volatile fields* (ages, round trips, render times: each
 * endpoint says which), so it changes only when the state does and a poller that sends
 * If-None-Match gets 304 with no body until then.
 *
 * The tag is weak (`W/"..."`): two answers with the same tag may differ in those volatile
 * fields, which is what a weak validator means (RFC 9110 8.8.1). If-None-Match is compared
 * weakly and answered here rather than by express's `req.fresh`, which ignores validators
 * whenever the request says `Cache-Control: no-cache` — what fetch() adds to every request
 * with a hand-set If-None-Match, so browsers' and Node's pollers would never see a 304.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

export function weakTag(state: unknown): string {
  return tagOf(JSON.stringify(state));
}

function tagOf(json: string | Buffer): string {
  return `W/"${createHash('sha1').update(json).digest('base64url')}"`;
}

/** If-None-Match (a list, or `*`) against a tag, compared weakly. */
export function noneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) {
    return false;
  }
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const wanted = opaque(tag);
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === wanted);
}

/**
 * Sets the validator and, when the client already has this state, answers 304 (true):
 * for an answer that is costly to build, call it before building it.
 */
export function notModified(req: Request, res: Response, tag: string): boolean {
  res.setHeader('ETag', tag);
  // Revalidate every time: the state may change at any moment.
  res.setHeader('Cache-Control', 'no-cache');
  if (noneMatch(req.headers['if-none-match'], tag)) {
    res.status(304).end();
    return true;
  }
  return false;
}

/** Answers with `body` (JSON) and its tag, or 304 when the client already has it. */
export function sendState(req: Request, res: Response, body: Buffer | object, tag: string): void {
  if (!notModified(req, res, tag)) {
    res.type('application/json').send(Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)));
  }
}

/** For an answer with nothing volatile in it: the tag is the hash of the very bytes sent (serialized once). */
export function sendWhole(req: Request, res: Response, body: object): void {
  const bytes = Buffer.from(JSON.stringify(body));
  sendState(req, res, bytes, tagOf(bytes));
}
