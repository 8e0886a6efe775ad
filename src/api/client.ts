import type * as z from 'zod/mini';
import { AgentPool } from './agents';
import { ApiError } from './errors';
import { proxyUrl, type ProxyRole } from './urls';

export interface ClientOptions {
  /** Per-attempt timeout of a read: short, so a dead agent costs little before the next is tried. */
  readTimeoutMs?: number;
  /** Timeout of a change (group operations wait for their outcome, up to `?wait=`). */
  writeTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Answer<T> {
  data: T;
  agent: number;
  /** The answer's ETag (status, config). */
  etag: string | null;
  /** True when the agent answered 304 to our If-None-Match: `data` is the previous one. */
  notModified: boolean;
}

/** The outcome of a change: done (the agent's answer), refused, or unknown (with the state read again). */
export type Mutation<T, S> =
  | { kind: 'done'; data: T; agent: number }
  | { kind: 'refused'; error: ApiError }
  | { kind: 'unknown'; error: ApiError; state: S | null; stateError: ApiError | null };

type Attempt = { ok: true; response: Response } | { ok: false; error: ApiError; failover: boolean };

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/**
 * The console's way to the cluster: every agent answers for the whole cluster, so a read
 * goes to the last good agent and, when that one is refused, times out or answers 5xx, to
 * the next (each failed one is marked dead for a while). A change is sent once, to one
 * agent: when its answer is lost the change may or may not have happened, so the client
 * reads the state again (through any agent) and lets the operator decide, never resends
 * it by itself. PUT /config is the exception: If-Match makes a resend harmless.
 */
export class ClusterClient {
  private readonly readTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly lastEtag = new Map<string, { etag: string; data: unknown }>();

  constructor(
    readonly pool: AgentPool,
    o: ClientOptions = {}
  ) {
    this.readTimeoutMs = o.readTimeoutMs ?? 3000;
    this.writeTimeoutMs = o.writeTimeoutMs ?? 30_000;
    this.fetchImpl = o.fetch ?? ((...args) => fetch(...args));
  }

  /** GET through the viewer route of the first agent that answers. */
  async get<S extends z.ZodMiniType>(path: string, schema: S, signal?: AbortSignal): Promise<Answer<z.output<S>>> {
    const failures: string[] = [];
    let refusal: ApiError | null = null;
    for (const agent of this.pool.order()) {
      const url = proxyUrl(agent, 'viewer', path);
      const cached = this.lastEtag.get(url);
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (cached) {
        headers['If-None-Match'] = cached.etag;
      }
      const attempt = await this.attempt(agent, url, { method: 'GET', headers }, this.readTimeoutMs, signal);
      if (!attempt.ok) {
        if (signal?.aborted) {
          throw attempt.error;
        }
        failures.push(attempt.error.message);
        if (attempt.failover) {
          this.pool.bad(agent);
          continue;
        }
        // 4xx: every agent would answer the same (same token, same route).
        refusal = attempt.error;
        break;
      }
      const { response } = attempt;
      if (response.status === 304 && cached) {
        this.pool.good(agent);
        return { data: cached.data as z.output<S>, agent, etag: cached.etag, notModified: true };
      }
      const parsed = schema.safeParse(await readJson(response));
      if (!parsed.success) {
        // Another agent may run the version this console knows: try it, without marking this one dead.
        failures.push(`agent ${agent + 1}: unexpected answer to GET ${path}: ${parsed.error.issues[0]?.message ?? ''}`);
        refusal = new ApiError('invalid', failures[failures.length - 1], response.status, agent);
        continue;
      }
      this.pool.good(agent);
      const etag = response.headers.get('ETag');
      if (etag) {
        this.lastEtag.set(url, { etag, data: parsed.data });
      }
      return { data: parsed.data, agent, etag, notModified: false };
    }
    if (refusal) {
      throw refusal;
    }
    throw new ApiError('unreachable', `no agent answered GET ${path}: ${failures.join('; ') || 'no agent configured'}`);
  }

  /**
   * A change (POST) sent once through the first agent in order. On a lost answer the agent
   * is marked dead and `reread` reads the state again through the others.
   */
  async mutate<S extends z.ZodMiniType, R>(
    role: Exclude<ProxyRole, 'viewer'>,
    path: string,
    body: unknown,
    schema: S,
    reread: () => Promise<R>,
    headers: Record<string, string> = {}
  ): Promise<Mutation<z.output<S>, R>> {
    const agent = this.pool.order()[0];
    if (agent === undefined) {
      return { kind: 'refused', error: new ApiError('unreachable', 'no agent is configured') };
    }
    const attempt = await this.attempt(
      agent,
      proxyUrl(agent, role, path),
      { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body ?? {}) },
      this.writeTimeoutMs
    );
    if (attempt.ok) {
      this.pool.good(agent);
      const parsed = schema.safeParse(await readJson(attempt.response));
      if (parsed.success) {
        return { kind: 'done', data: parsed.data, agent };
      }
      return { kind: 'refused', error: new ApiError('invalid', `unexpected answer to POST ${path}`, 200, agent) };
    }
    if (!attempt.failover) {
      this.pool.good(agent);
      return { kind: 'refused', error: attempt.error };
    }
    this.pool.bad(agent);
    const lost = new ApiError(
      'unknown-outcome',
      `the answer of agent ${agent + 1} to POST ${path} was lost (${attempt.error.message}); it was not sent again`,
      attempt.error.status,
      agent
    );
    try {
      return { kind: 'unknown', error: lost, state: await reread(), stateError: null };
    } catch (e) {
      return { kind: 'unknown', error: lost, state: null, stateError: asApiError(e) };
    }
  }

  /**
   * PUT /config with If-Match: a resend after a lost answer is safe (a second apply of the
   * same base answers 409), so this one fails over like a read. `after409` tells whether
   * the 409 came after a lost answer, when the change may be ours.
   */
  async putConfig<S extends z.ZodMiniType>(
    config: unknown,
    baseRevision: number,
    schema: S
  ): Promise<
    { kind: 'done'; data: z.output<S>; agent: number } | { kind: 'refused'; error: ApiError; afterLost: boolean }
  > {
    let lost: ApiError | null = null;
    for (const agent of this.pool.order()) {
      const attempt = await this.attempt(
        agent,
        proxyUrl(agent, 'admin', '/config'),
        { method: 'PUT', headers: { ...JSON_HEADERS, 'If-Match': `"${baseRevision}"` }, body: JSON.stringify(config) },
        this.writeTimeoutMs
      );
      if (attempt.ok) {
        this.pool.good(agent);
        const parsed = schema.safeParse(await readJson(attempt.response));
        if (parsed.success) {
          return { kind: 'done', data: parsed.data, agent };
        }
        return {
          kind: 'refused',
          error: new ApiError('invalid', 'unexpected answer to PUT /config', 200, agent),
          afterLost: false,
        };
      }
      if (!attempt.failover) {
        return { kind: 'refused', error: attempt.error, afterLost: lost !== null };
      }
      this.pool.bad(agent);
      lost = attempt.error;
    }
    return {
      kind: 'refused',
      error: new ApiError('unreachable', `no agent answered PUT /config${lost ? `: ${lost.message}` : ''}`),
      afterLost: lost !== null,
    };
  }

  /**
   * A read from one given agent (what only that server knows: its own resources), through
   * the others when it does not answer.
   */
  async getFrom<S extends z.ZodMiniType>(agent: number, path: string, schema: S): Promise<Answer<z.output<S>>> {
    const attempt = await this.attempt(
      agent,
      proxyUrl(agent, 'viewer', path),
      { method: 'GET', headers: { Accept: 'application/json' } },
      this.readTimeoutMs
    );
    if (attempt.ok && attempt.response.status !== 304) {
      const parsed = schema.safeParse(await readJson(attempt.response));
      if (parsed.success) {
        return { data: parsed.data, agent, etag: attempt.response.headers.get('ETag'), notModified: false };
      }
    }
    return this.get(path, schema);
  }

  /** Which server each agent is, as its status answers said (`self`). */
  readonly serverOf = new Map<number, string>();

  /**
   * The agent of `server`: one whose status said so, else one whose URL's host is one of the
   * server's interconnect addresses (the API usually listens on one of them).
   */
  agentOf(server: string, addresses: string[] = []): number | undefined {
    for (const [agent, name] of this.serverOf) {
      if (name === server) {
        return agent;
      }
    }
    const byHost = this.pool.agents.find((a) => addresses.includes(hostOf(a.url)));
    return byHost?.index;
  }

  /** One request to one agent, without failover (the connection test of the settings page). */
  async probe(agent: number, role: ProxyRole, method: string, path: string, body?: unknown): Promise<Attempt> {
    return this.attempt(
      agent,
      proxyUrl(agent, role, path),
      { method, headers: JSON_HEADERS, body: body === undefined ? undefined : JSON.stringify(body) },
      this.readTimeoutMs
    );
  }

  private async attempt(
    agent: number,
    url: string,
    init: RequestInit,
    timeoutMs: number,
    outer?: AbortSignal
  ): Promise<Attempt> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    outer?.addEventListener('abort', onAbort);
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const who = `agent ${agent + 1}`;
    try {
      const response = await this.fetchImpl(url, { ...init, credentials: 'same-origin', signal: controller.signal });
      if (response.ok || response.status === 304) {
        return { ok: true, response };
      }
      const body = await readJson(response).catch(() => undefined);
      const own = agentReason(body);
      const reason = own ?? errorText(body);
      if (response.status >= 500 || response.status === 429) {
        // The agent's own refusal ({error}; e.g. 503 "partition lost") is an answer for a
        // change; anything else (502, 504, Grafana's {message}) is the proxy not reaching it.
        const agentSaidNo = own !== null && response.status !== 502 && response.status !== 504;
        return {
          ok: false,
          error: new ApiError(
            agentSaidNo ? 'refused' : 'unreachable',
            `${who}: ${response.status} ${reason ?? response.statusText}`,
            response.status,
            agent
          ),
          failover: init.method === 'GET' || !agentSaidNo,
        };
      }
      return {
        ok: false,
        error: new ApiError(
          'refused',
          reason ?? `${who}: ${response.status} ${response.statusText}`,
          response.status,
          agent,
          problemsOf(body)
        ),
        failover: false,
      };
    } catch (e) {
      const timedOut = controller.signal.aborted && !outer?.aborted;
      const message = timedOut
        ? `${who}: no answer within ${timeoutMs} ms`
        : `${who}: ${e instanceof Error ? e.message : String(e)}`;
      return { ok: false, error: new ApiError('unreachable', message, undefined, agent), failover: true };
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/** The body as JSON; anything else (an HTML page from a proxy) reads as a value no schema accepts. */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

const NOT_JSON = Symbol('not JSON');

/** The agent's own refusals carry `error`; Grafana's carry `message`. */
function agentReason(body: unknown): string | null {
  const e = (body as { error?: unknown } | undefined)?.error;
  return typeof e === 'string' ? e : null;
}

function errorText(body: unknown): string | null {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown };
    if (typeof b.error === 'string') {
      return b.error;
    }
    if (typeof b.message === 'string') {
      return b.message;
    }
  }
  return null;
}

function problemsOf(body: unknown): Array<{ path: string; message: string }> | undefined {
  const p = (body as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(p) ? (p as Array<{ path: string; message: string }>) : undefined;
}

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('unreachable', e instanceof Error ? e.message : String(e));
}
