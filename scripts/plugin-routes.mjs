// `node scripts/plugin-routes.mjs`: writes the generated parts of plugin.json (contract C of
// issue 11): the data-proxy routes, 8 agents x viewer/operator/admin, and the console pages.
// The rest of plugin.json (info, dashboards, the connection page) is kept as it is.
//   --check   only compares: exit 1 when plugin.json is not what this generates (a unit test runs it)
//   --print   prints the generated plugin.json instead of writing it
//   --file F  works on F instead of the top-level plugin.json
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** At most this many agents: jsonData.agentUrls[0..7]. */
export const MAX_AGENTS = 8;

/**
 * One route per (agent, role, method). Grafana compares a route's method with the request's
 * exactly (a comma list would never match), so the admin role gets one route per method.
 * `/*` at the end: without it Grafana matches the path exactly and never proxies below it.
 */
const ROLES = [
  { role: 'viewer', methods: ['GET'], reqRole: 'Viewer', token: 'viewerToken' },
  { role: 'operator', methods: ['POST'], reqRole: 'Editor', token: 'operatorToken' },
  { role: 'admin', methods: ['PUT', 'POST'], reqRole: 'Admin', token: 'adminToken' },
];

export function routes() {
  const out = [];
  for (let i = 0; i < MAX_AGENTS; i++) {
    for (const r of ROLES) {
      for (const method of r.methods) {
        out.push({
          path: `agent${i}/${r.role}/*`,
          method,
          reqRole: r.reqRole,
          url: `{{ index .JsonData.agentUrls ${i} }}`,
          headers: [{ name: 'Authorization', content: `Bearer {{ .SecureJsonData.${r.token} }}` }],
        });
      }
    }
  }
  return out;
}

/** The console's pages, in menu order; Overview is what the app's menu entry opens. */
export const PAGES = [
  { name: 'Overview', slug: 'overview', icon: 'apps' },
  { name: 'Servers', slug: 'servers', icon: 'sitemap' },
  { name: 'Groups', slug: 'groups', icon: 'layer-group' },
  { name: 'Monitors', slug: 'monitors', icon: 'eye' },
  { name: 'Events', slug: 'events', icon: 'list-ul' },
  { name: 'Failovers', slug: 'failovers', icon: 'history' },
  { name: 'Configuration', slug: 'config', icon: 'file-alt' },
];

function pageIncludes() {
  return PAGES.map((p, i) => ({
    type: 'page',
    name: p.name,
    path: `/a/%PLUGIN_ID%/${p.slug}`,
    role: 'Viewer',
    addToNav: true,
    ...(i === 0 ? { defaultNav: true } : {}),
    icon: p.icon,
  }));
}

const consolePage = (inc) => inc.type === 'page' && inc.path?.startsWith('/a/%PLUGIN_ID%/');

/** plugin.json with its generated parts replaced: console pages first, other includes after. */
export function generate(current) {
  return {
    ...current,
    includes: [...pageIncludes(), ...(current.includes ?? []).filter((inc) => !consolePage(inc))],
    routes: routes(),
  };
}

/** The file's text as this project writes it: 2 spaces, short string arrays on one line (prettier). */
export function format(json) {
  return `${JSON.stringify(json, null, 2).replace(/\[\n\s+("[^"\n]*",?\n\s+)*"[^"\n]*"\n\s+\]/g, (m) =>
    JSON.stringify(JSON.parse(m)).replace(/","/g, '", "')
  )}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const fileAt = args.indexOf('--file');
  const file = fileAt >= 0 ? path.resolve(args[fileAt + 1]) : path.join(root, 'plugin.json');
  const text = fs.readFileSync(file, 'utf8');
  const wanted = format(generate(JSON.parse(text)));
  if (args.includes('--print')) {
    process.stdout.write(wanted);
  } else if (args.includes('--check')) {
    if (text !== wanted) {
      console.error(`${path.relative(root, file)} is out of date: run "node scripts/plugin-routes.mjs"`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(file, wanted);
    console.log(`${path.relative(root, file)}: ${routes().length} routes, ${PAGES.length} console pages`);
  }
}
