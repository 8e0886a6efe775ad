/**
 * A fetch at the boundary for the plugin's unit tests: requests to Grafana's plugin proxy
 * (`/api/plugin-proxy/lifeline-cluster-app/agent{i}/{role}/api/v1/...`) go to one handler
 * per agent, which answers, refuses the connection, or never answers (until aborted).
 */
export interface FakeRequest {
  agent: number;
  role: string;
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

export type Reply = { status?: number; body?: unknown; headers?: Record<string, string> } | 'refuse' | 'hang';
export type Handler = (req: FakeRequest) => Reply | Promise<Reply>;

const PROXY = /^\/api\/plugin-proxy\/lifeline-cluster-app\/agent(\d)\/(viewer|operator|admin)\/api\/v1(\/.*)$/;

export function fakeFetch(agents: Handler[]) {
  const calls: FakeRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const m = PROXY.exec(url);
    if (!m) {
      throw new Error(`unexpected URL ${url}`);
    }
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    const req: FakeRequest = {
      agent: Number(m[1]),
      role: m[2],
      method: init.method ?? 'GET',
      path: m[3],
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      headers,
    };
    calls.push(req);
    const handler = agents[req.agent];
    const reply = handler ? await handler(req) : { status: 502, body: { message: 'no such agent' } };
    if (reply === 'refuse') {
      throw new TypeError('Failed to fetch');
    }
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
        if (init.signal?.aborted) {
          abort();
        }
        init.signal?.addEventListener('abort', abort);
      });
    }
    return response(reply.status ?? 200, reply.body, reply.headers ?? {});
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export function response(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: String(status),
    headers: { get: (k: string) => lower[k.toLowerCase()] ?? null },
    text: async () => text,
    json: async () => JSON.parse(text),
  } as unknown as Response;
}
