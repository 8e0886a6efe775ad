/**
 * The one client for agent-to-agent calls: the peer token, the URL (url.ts), a timeout, and
 * the answer checked against its wire schema (schemas.ts). Every call ends in a result,
 * never a throw: the answer, or a failure that says why (failure.ts).
 */
import { z } from 'zod';
import type { ClusterConfig } from '../config/model';
import { classifyError, type PeerFailure } from './failure';
import { refusalAnswer } from './schemas';
import { peerUrl } from './url';

export type PeerResult<A> = { ok: true; status: number; body: A } | PeerFailure;

/** A body serialized once for many peers (a proposal carries the whole configuration). */
export class Serialized {
  constructor(readonly json: string) {}
}

export interface PeerCall<A> {
  method: 'GET' | 'POST';
  /** Under /api/v1, e.g. "/internal/leaving". */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The schema of a 2xx answer. */
  answer: z.ZodType<A>;
  timeoutMs: number;
}

export type FetchLike = typeof fetch;

export class PeerClient {
  constructor(
    private readonly config: () => ClusterConfig,
    private readonly token: string,
    private readonly fetchImpl: FetchLike = fetch
  ) {}

  async call<A>(peer: string, c: PeerCall<A>): Promise<PeerResult<A>> {
    const target = peerUrl(this.config(), peer, c.path, c.query);
    if (!target) {
      return { ok: false, kind: 'unknown-peer', detail: `${peer} is not in the configuration` };
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    let body: string | undefined;
    if (c.method === 'POST') {
      headers['Content-Type'] = 'application/json';
      body = c.body instanceof Serialized ? c.body.json : JSON.stringify(c.body ?? {});
    }
    let status: number;
    let text: string;
    try {
      const res = await this.fetchImpl(target, {
        method: c.method,
        headers,
        body,
        signal: AbortSignal.timeout(c.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      return classifyError(e, c.timeoutMs);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status < 200 || status > 299) {
      const refusal = refusalAnswer.safeParse(json);
      const b = refusal.success ? refusal.data : undefined;
      const why = b?.error ?? b?.reason;
      return { ok: false, kind: 'http', status, detail: `HTTP ${status}${why ? `: ${why}` : ''}`, body: b };
    }
    if (json === undefined) {
      return { ok: false, kind: 'bad-answer', status, detail: `HTTP ${status} with a body that is not JSON` };
    }
    const parsed = c.answer.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return { ok: false, kind: 'bad-answer', status, detail: `not the expected answer (${where}${issue.message})` };
    }
    return { ok: true, status, body: parsed.data };
  }
}

/**
 * A POST whose answer the caller relays as it came (monitor operations forwarded to the
 * server concerned): the status and body of any HTTP answer, undefined when none came.
 */
export async function relayPost(
  client: PeerClient,
  peer: string,
  path: string,
  body: unknown,
  timeoutMs: number
): Promise<{ status: number; body: unknown } | undefined> {
  const r = await client.call(peer, { method: 'POST', path, body, answer: z.unknown(), timeoutMs });
  if (r.ok) {
    return { status: r.status, body: r.body };
  }
  return r.kind === 'http' ? { status: r.status ?? 500, body: r.body ?? {} } : undefined;
}
