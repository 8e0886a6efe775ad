// An operator's shell on one host of the chaos rig: an HTTP server on a unix socket (so the
// test process talks to it without sending anything from the root namespace) that forwards
// each request, from inside the host's namespace, to that host's agent API. It dies with the
// host (power off, watchdog reset), as a CLI session on it would.
// argv: SOCKET UPSTREAM_URL. An upstream that cannot be reached answers 599 {error: code}.
'use strict';
const fs = require('node:fs');
const http = require('node:http');

const [socket, upstream] = process.argv.slice(2);
fs.rmSync(socket, { force: true });

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const timeoutMs = Number(req.headers['x-timeout-ms'] ?? 70000);
      try {
        const r = await fetch(`${upstream}${req.url}`, {
          method: req.method,
          headers,
          body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = Buffer.from(await r.arrayBuffer());
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
        res.end(body);
      } catch (e) {
        const code = e.cause?.code ?? e.name ?? 'error';
        res.writeHead(599, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(code), detail: String(e.cause?.message ?? e.message) }));
      }
    });
  })
  .listen(socket, () => fs.writeFileSync(`${socket}.ready`, `${process.pid}\n`));
