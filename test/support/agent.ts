import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import { createToken } from '../../backend/api/tokens';
import { tempDir } from './isolation';
import { CLI } from './paths';

export interface RunningAgent {
  url: string;
  tokens: { viewer: string; operator: string; admin: string };
  dir: string;
  child: ChildProcess;
  logs: () => string;
  request: (
    method: string,
    p: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>
  ) => Promise<{ status: number; body: any }>;
  stop: () => Promise<void>;
}

/** One new token per role, named `<prefix>-<role>`. */
export function roleTokens(prefix: string) {
  return {
    viewer: createToken(`${prefix}-viewer`, 'viewer'),
    operator: createToken(`${prefix}-operator`, 'operator'),
    admin: createToken(`${prefix}-admin`, 'admin'),
  };
}

/**
 * Starts a real `lifeline agent` child process for one server of `config` (an object,
 * written as YAML), with viewer/operator/admin tokens, and waits until it is ready.
 */
export async function startAgent(
  config: object,
  server: string,
  options: { env?: NodeJS.ProcessEnv; dir?: string; command?: string[] } = {}
): Promise<RunningAgent> {
  const dir = options.dir ?? tempDir(`lifeline-${server}-`);
  const configFile = path.join(dir, 'cluster.yaml');
  fs.writeFileSync(configFile, dump(config));
  const made = roleTokens('test');
  const tokenFile = path.join(dir, 'tokens.yaml');
  fs.writeFileSync(tokenFile, dump(Object.values(made).map((m) => m.entry)), { mode: 0o600 });
  const logFile = path.join(dir, 'agent.log');
  const out = fs.openSync(logFile, 'a');
  // The project's build by default; `command` runs another lifeline (an unpacked package).
  const [program, ...first] = options.command ?? [process.execPath, CLI];
  const child = spawn(
    program,
    [
      ...first,
      'agent',
      '--config',
      configFile,
      '--server',
      server,
      '--state-dir',
      path.join(dir, 'state'),
      '--tokens',
      tokenFile,
    ],
    {
      stdio: ['ignore', out, out],
      env: { ...process.env, LIFELINE_CLUSTER_SECRET: 'test-cluster-secret', ...options.env },
    }
  );
  fs.closeSync(out);
  const me = (config as { servers: Array<{ name: string; api: { address: string; port: number } }> }).servers.find(
    (s) => s.name === server
  )!;
  const url = `http://${me.api.address}:${me.api.port}`;
  const logs = () => fs.readFileSync(logFile, 'utf8');
  const request = async (
    method: string,
    p: string,
    body?: unknown,
    token = made.admin.token,
    headers: Record<string, string> = {}
  ) => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // metrics and other text bodies stay text
    }
    return { status: res.status, body: parsed as any };
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`agent ${server} exited with ${child.exitCode}:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/api/v1/readyz`);
      if (res.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`agent ${server} did not become ready:\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return {
    url,
    tokens: { viewer: made.viewer.token, operator: made.operator.token, admin: made.admin.token },
    dir,
    child,
    logs,
    request,
    stop,
  };
}

/**
 * Expects the agent of server1 to refuse to start, with `message` in the error; one that
 * starts anyway (old code, a regression) is stopped rather than left holding its port.
 */
export async function expectRefusedStart(config: object, message: RegExp, server = 'server1'): Promise<void> {
  const started = await startAgent(config, server).catch((e: Error) => e);
  if (!(started instanceof Error)) {
    await started.stop();
    throw new Error(`the agent of ${server} started, but it should have refused to`);
  }
  expect(started.message).toMatch(message);
}

/**
 * Polls until `check` returns a value other than undefined (or throws after `ms`, with the
 * last error and, if given, `diagnostics()`: logs or state that say why).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 5000,
  what = 'condition',
  options: { intervalMs?: number; diagnostics?: () => string } = {}
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) {
        return v;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = options.diagnostics ? `\n${options.diagnostics()}` : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 25));
  }
}

/** Reads one sample from a Prometheus exposition ('' labels = the metric without labels). */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) {
      continue;
    }
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      return Number(m[4]);
    }
  }
  return undefined;
}
