/**
 * How the CLI reaches an agent: URL and token from flags, then the environment
 * (LIFELINE_URL, LIFELINE_TOKEN, LIFELINE_TOKEN_FILE). HTTP failures map to exit codes.
 */
import fs from 'node:fs';
import { EXIT } from './exit-codes';

export interface ClientOptions {
  url?: string;
  token?: string;
  tokenFile?: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number
  ) {
    super(message);
  }
}

export function clientFrom(opts: ClientOptions, env: NodeJS.ProcessEnv = process.env) {
  const url = (opts.url ?? env.LIFELINE_URL ?? 'http://127.0.0.1:29010').replace(/\/+$/, '');
  let token = opts.token ?? env.LIFELINE_TOKEN;
  const tokenFile = opts.tokenFile ?? env.LIFELINE_TOKEN_FILE;
  if (!token && tokenFile) {
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (e) {
      throw new CliError(
        `cannot read token file ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        EXIT.INVALID
      );
    }
  }
  return {
    url,
    authHeaders(): Record<string, string> {
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
    async request<T>(
      method: string,
      path: string,
      body?: unknown,
      extraHeaders: Record<string, string> = {},
      timeoutMs = 10_000
    ): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${url}/api/v1${path}`, {
          method,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...extraHeaders,
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new CliError(
          `cannot reach the agent at ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`,
          EXIT.UNAVAILABLE
        );
      }
      const text = await res.text();
      let data: unknown;
      try {
        data = text ? JSON.parse(text) : {};
      } catch {
        data = { error: text };
      }
      if (!res.ok) {
        const message = (data as { error?: string }).error ?? res.statusText;
        const problems = (data as { problems?: Array<{ path: string; message: string }> }).problems ?? [];
        const detail = problems.map((p) => `\n  ${p.path}: ${p.message}`).join('');
        const code =
          res.status === 401 || res.status === 403
            ? EXIT.DENIED
            : res.status === 409 || res.status === 412
              ? EXIT.CONFLICT
              : res.status >= 500 || res.status === 429
                ? EXIT.UNAVAILABLE
                : EXIT.INVALID;
        throw new CliError(`${res.status}: ${message}${detail}`, code);
      }
      return data as T;
    },
  };
}

/** Adds the standard connection options to a command. */
export function withConnection<C extends { option: (flags: string, description: string) => C }>(cmd: C): C {
  return cmd
    .option('--url <url>', 'agent API URL (default: $LIFELINE_URL or http://127.0.0.1:29010)')
    .option('--token <token>', 'API token (default: $LIFELINE_TOKEN); prefer --token-file')
    .option('--token-file <file>', 'file holding the API token (default: $LIFELINE_TOKEN_FILE)');
}
