/**
 * Raw HTTP requests for hostile tests: any method, headers and body bytes, from a chosen
 * local address (127.0.0.0/8 is all loopback, so each request can come from a client
 * address of its own), without fetch's normalizations.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address of the connection (default 127.0.0.1). */
  from?: string;
  token?: string;
  timeoutMs?: number;
}

export function raw(url: string, r: RawRequest): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: Number(u.port),
        method: r.method ?? 'GET',
        path: r.path,
        localAddress: r.from,
        agent: false,
        headers: {
          ...(r.token !== undefined ? { Authorization: `Bearer ${r.token}` } : {}),
          ...(r.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(r.body)) } : {}),
          ...r.headers,
        },
        timeout: r.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      }
    );
    req.on('timeout', () => req.destroy(new Error(`${r.method ?? 'GET'} ${r.path}: timed out`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * The status of one GET on a connection of its own from `from`, and nothing else: for floods
 * of many client addresses, where http.request's own work would be most of the cost.
 */
export function statusOf(url: string, path: string, from: string, token: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port), localAddress: from });
    let head = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`GET ${path} from ${from}: timed out`)));
    socket.on('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`
      )
    );
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`GET ${path} from ${from}: closed without an answer`)));
  });
}

/** Opens GET /events/stream; resolves with the answer's status once its head arrives (destroy `req` to close). */
export function openStream(
  url: string,
  token: string | undefined,
  from: string
): Promise<{ status: number; req: http.ClientRequest }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: Number(u.port),
        path: '/api/v1/events/stream',
        localAddress: from,
        agent: false,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, req });
      }
    );
    req.on('error', reject);
    req.end();
  });
}

/** The i-th client address in 127.1.0.0/16 and up (never 127.0.0.x, where the agents listen). */
export function clientAddress(i: number): string {
  const block = Math.floor(i / 254);
  return `127.${1 + (block >> 8)}.${block & 255}.${(i % 254) + 1}`;
}

/** Runs `fn` for 0..n-1 with at most `width` calls in flight. */
export async function pool(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        await fn(next++);
      }
    })
  );
}

/** Resident memory of a process, in MiB (VmRSS of /proc/PID/status). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
