// Grafana's plugin-proxy rules, as its HTTP server applies them to plugin.json `routes`
// (pkg/api/pluginproxy): the routes are tried in file order; a route whose method is set and
// differs from the request's is skipped; its path must match the requested path segment by
// segment, a trailing `*` taking the rest (without it the match is exact); the first match
// wins, and a user below its reqRole gets 403 there (no later route is tried). The route URL
// and headers are Go templates over {JsonData, SecureJsonData}: the forms plugin.json uses
// are supported, anything else is an error, so a new form cannot slip past this host.
'use strict';

const ROLE_RANK = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/** The part of `proxyPath` that the route's `*` takes ('' when none), or null when it does not match. */
function matchPath(routePath, proxyPath) {
  const want = routePath.split('/');
  const have = proxyPath.split('/');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '*' && i === want.length - 1) {
      return i < have.length ? have.slice(i).join('/') : null; // "a/*" takes "a/..." and "a/", not "a"
    }
    if (i >= have.length || !(want[i] === have[i] || (want[i].startsWith(':') && have[i] !== ''))) {
      return null;
    }
  }
  return have.length === want.length ? '' : null;
}

/**
 * The route serving `method proxyPath` for a user of `role`:
 *   { route, rest }                      proxy to the route's URL + rest
 *   { status: 403 | 404, message }       what Grafana answers instead
 */
function matchRoute(routes, method, proxyPath, role) {
  for (const route of routes ?? []) {
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    const rest = matchPath(route.path, proxyPath);
    if (rest === null) {
      continue;
    }
    if (route.reqRole && (ROLE_RANK[role] ?? 0) < (ROLE_RANK[route.reqRole] ?? Infinity)) {
      return { status: 403, message: 'plugin proxy route access denied' };
    }
    return { route, rest };
  }
  return { status: 404, message: 'plugin route match not found' };
}

const FIELD = /^\.(JsonData|SecureJsonData)\.([A-Za-z_]\w*)$/;
const INDEX = /^index \.(JsonData|SecureJsonData)\.([A-Za-z_]\w*) (\d+)$/;

/** Renders one `{{ ... }}` action; throws where Go's text/template fails. */
function action(expr, data) {
  let m = FIELD.exec(expr);
  if (m) {
    const value = data[m[1]]?.[m[2]];
    if (value === undefined) {
      // A missing key: map[string]interface{} prints "<no value>", map[string]string "".
      return m[1] === 'JsonData' ? '<no value>' : '';
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  m = INDEX.exec(expr);
  if (m) {
    const list = data[m[1]]?.[m[2]];
    if (!Array.isArray(list)) {
      throw new Error(`error calling index: cannot index ${m[2]}`);
    }
    const i = Number(m[3]);
    if (i >= list.length) {
      throw new Error(`error calling index: index out of range: ${i}`);
    }
    return String(list[i]);
  }
  throw new Error(`template action "{{ ${expr} }}" is not supported by this host`);
}

/** Interpolates a route template against the plugin's settings. */
function interpolate(template, data) {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, expr) => action(expr, data));
}

module.exports = { matchRoute, matchPath, interpolate, ROLE_RANK };
