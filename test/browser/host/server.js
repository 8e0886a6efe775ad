// A Grafana-compatible host for the built app plugin (issue 11): serves what Grafana's HTTP
// server serves to an app plugin, on one loopback address, for tests, benches and the demo.
//
//   const host = await start({ dist, settings, user: { role }, port, address, banner });
//   host.url            http://address:port
//   host.setUser(u)     the signed-in user from now on (role for the proxy; the page on reload)
//   host.setSettings(s) replaces the app's settings (as a provisioning file would)
//   host.requests       what the proxy did: { method, path, route, status } (never a header)
//   await host.stop()
//
// Pages: /a/<id>/... and /plugins/<id> (the host page), / (redirect to the default page).
// Files: /public/plugins/<id>/... (dist), the host script, @grafana/ui's icons, Inter.
// API: GET/POST /api/plugins/<id>/settings, /api/plugin-proxy/<id>/..., GET /api/user.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { hostBundle } = require('./bundle');
const { hostPage } = require('./page');
const { proxy } = require('./proxy');
const { createSettings } = require('./settings');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TYPES = {
  '.js': 'application/javascript',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown',
  '.txt': 'text/plain',
};

// Grafana core ships this icon (the package's icon set does not): a plain ring, for the spinner.
const SPINNER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';
// Grafana's Roboto Mono file name (GlobalStyles asks for it); the package's latin 400 face is the same font.
const ROBOTO_MONO = 'node_modules/@fontsource/roboto-mono/files/roboto-mono-latin-400-normal.woff2';

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Serves `rel` from inside `dir` only (no `..` escapes). */
function sendFile(res, dir, rel) {
  const file = path.resolve(dir, `.${path.posix.normalize(`/${rel}`)}`);
  if (!file.startsWith(path.resolve(dir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return json(res, 404, { message: 'Plugin file not found' });
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'max-age=0, must-revalidate, no-cache',
  });
  fs.createReadStream(file).pipe(res);
}

function readBody(req, limit = 4 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function start(options) {
  const dist = path.resolve(options.dist ?? path.join(ROOT, 'dist'));
  const pluginJson = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
  const id = pluginJson.id;
  let settings = createSettings(pluginJson, options.settings);
  let user = { role: 'Viewer', ...options.user };
  const requests = [];
  const bundle = await hostBundle();
  const assets = `/public/host/${path.basename(bundle)}/`;
  const defaultPage = (pluginJson.includes ?? []).find((i) => i.defaultNav)?.path ?? `/plugins/${id}`;
  let url = '';

  async function route(req, res) {
    const u = new URL(req.url, 'http://host');
    const p = u.pathname;
    if (p === '/' || p === `/a/${id}` || p === `/a/${id}/`) {
      res.writeHead(302, { Location: defaultPage });
      return res.end();
    }
    if (p.startsWith(`/a/${id}/`) || p === `/plugins/${id}` || p === `/plugins/${id}/`) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      const banner = options.banner;
      return res.end(
        hostPage({ user, pluginId: id, pluginVersion: pluginJson.info?.version, appUrl: `${url}/`, assets, banner })
      );
    }
    if (p.startsWith(assets)) {
      return sendFile(res, bundle, p.slice(assets.length));
    }
    if (p.startsWith(`/public/plugins/${id}/`)) {
      return sendFile(res, dist, p.slice(`/public/plugins/${id}/`.length));
    }
    if (p === '/public/build/img/icons/unicons/spinner.svg') {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
      return res.end(SPINNER_SVG);
    }
    if (p.startsWith('/public/fonts/roboto/')) {
      return sendFile(res, ROOT, ROBOTO_MONO);
    }
    if (p === '/favicon.ico') {
      return sendFile(res, dist, 'img/logo.svg');
    }
    if (p.startsWith('/public/build/img/icons/')) {
      return sendFile(res, path.join(ROOT, 'node_modules/@grafana/ui/dist/public/img/icons'), p.slice(24));
    }
    if (p.startsWith('/public/fonts/inter/')) {
      return sendFile(res, path.join(ROOT, 'node_modules/inter-ui/web'), p.slice(20));
    }
    if (p === `/api/plugins/${id}/settings`) {
      if (req.method === 'GET') {
        return json(res, 200, settings.publicView());
      }
      if (req.method === 'POST') {
        if (user.role !== 'Admin') {
          return json(res, 403, {
            message: "You'll need additional permissions to perform this action. Permissions needed: plugins:write",
          });
        }
        let body;
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return json(res, 400, { message: 'bad request data' });
        }
        settings.update(body);
        return json(res, 200, { message: 'Plugin settings updated' });
      }
      return json(res, 405, { message: 'Method not allowed' });
    }
    if (p.startsWith(`/api/plugin-proxy/${id}/`)) {
      return proxy(req, res, {
        routes: pluginJson.routes,
        proxyPath: p.slice(`/api/plugin-proxy/${id}/`.length),
        query: u.search,
        role: user.role,
        settings,
        log: (entry) => requests.push(entry),
      });
    }
    if (p === '/api/user') {
      return json(res, 200, {
        id: 1,
        login: user.login ?? user.role.toLowerCase(),
        orgId: 1,
        isGrafanaAdmin: user.role === 'Admin',
      });
    }
    return json(res, 404, { message: 'Not found' });
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((e) => {
      if (!res.headersSent) {
        json(res, 500, { message: e.message });
      } else {
        res.destroy();
      }
    });
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.address ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address();
  url = `http://${address}:${port}`;
  return {
    url,
    pluginId: id,
    requests,
    setUser: (u) => (user = { ...user, ...u }),
    setSettings: (s) => (settings = createSettings(pluginJson, s)),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        sockets.forEach((s) => s.destroy()); // event streams would keep it open
      }),
  };
}

module.exports = { start };
