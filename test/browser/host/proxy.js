// /api/plugin-proxy/<id>/<route>/...: Grafana's app data proxy. The route is chosen by
// routes.js; the request goes to the route's interpolated URL joined with the rest of the
// path (query string kept), with the browser's cookies and credentials removed and the
// route's headers (the agent token, from secureJsonData) set here, on the server. Answers
// stream back (server-sent events too) with Set-Cookie removed and Cache-Control: no-store,
// as Grafana's proxy does; it sets no response timeout, so the client must time out itself.
'use strict';

const http = require('node:http');
const https = require('node:https');
const { interpolate, matchRoute } = require('./routes');

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Joins URL path fragments with exactly one slash between them (Grafana's util.JoinURLFragments). */
function joinPath(base, rest) {
  if (rest === '') {
    return base || '/';
  }
  return `${base.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}`;
}

/**
 * Proxies `req` (whose path below /api/plugin-proxy/<id>/ is `proxyPath`) for a user of
 * `role`; `log` receives one entry per request (what a test may check: never a header value).
 */
function proxy(req, res, { routes, proxyPath, query, role, settings, log }) {
  const match = matchRoute(routes, req.method, proxyPath, role);
  if (!match.route) {
    log?.({ method: req.method, path: proxyPath, status: match.status });
    json(res, match.status, { message: match.message });
    return;
  }
  let target;
  const headers = {};
  try {
    const data = settings.templateData();
    target = new URL(interpolate(match.route.url ?? '', data));
    for (const h of match.route.headers ?? []) {
      headers[h.name.toLowerCase()] = interpolate(h.content, data);
    }
  } catch (e) {
    log?.({ method: req.method, path: proxyPath, status: 500 });
    json(res, 500, { message: 'Could not interpolate plugin route url', error: e.message });
    return;
  }
  const forwarded = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.includes(k) && !['host', 'cookie', 'authorization'].includes(k)) {
      forwarded[k] = v;
    }
  }
  forwarded['x-forwarded-for'] = req.socket.remoteAddress;
  Object.assign(forwarded, headers);
  const upstream = (target.protocol === 'https:' ? https : http).request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: joinPath(target.pathname, match.rest) + query,
      headers: forwarded,
    },
    (answer) => {
      log?.({ method: req.method, path: proxyPath, route: match.route.path, status: answer.statusCode });
      const out = { ...answer.headers, 'cache-control': 'no-store' };
      delete out['set-cookie'];
      HOP_BY_HOP.forEach((h) => delete out[h]);
      res.writeHead(answer.statusCode, out);
      answer.pipe(res);
    }
  );
  upstream.on('error', (e) => {
    log?.({ method: req.method, path: proxyPath, route: match.route.path, status: 502 });
    if (!res.headersSent) {
      json(res, 502, { message: 'Bad Gateway', error: e.code ?? e.message });
    } else {
      res.destroy();
    }
  });
  // In Node 20 'close' on req fires once the body is read; the response's means the browser left.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

module.exports = { proxy, joinPath };
