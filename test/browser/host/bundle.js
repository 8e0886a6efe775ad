// Builds the host page's script (client/main.tsx with React, @grafana/* and the other shared
// externals) with esbuild into build/browser-host/, once per content: the file name carries a
// hash of the client sources and of the versions of the packages it bundles, so a second
// start reuses it (3-6 s saved) and a change rebuilds it.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLIENT = path.join(__dirname, 'client');
const OUT_DIR = path.join(ROOT, 'build', 'browser-host');
const PACKAGES = ['react', 'react-dom', 'react-router', '@grafana/data', '@grafana/ui', '@grafana/runtime', 'rxjs'];

function contentHash() {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(CLIENT).sort()) {
    h.update(f).update(fs.readFileSync(path.join(CLIENT, f)));
  }
  for (const p of PACKAGES) {
    h.update(p).update(require(path.join(ROOT, 'node_modules', p, 'package.json')).version);
  }
  h.update(fs.readFileSync(__filename));
  return h.digest('hex').slice(0, 16);
}

/**
 * esbuild treats .mjs files with Node's interop (a default import of a CommonJS module is its
 * whole exports object), which breaks @grafana/*'s `import x from 'cjs-package'`: load them
 * as ordinary ES modules instead, with the usual `__esModule` interop.
 */
const mjsAsPlainJs = {
  name: 'mjs-as-plain-js',
  setup(build) {
    // setPluginPage is not exported by @grafana/runtime: import its file (the same module
    // instance that the package's index uses), past the package's "exports" map.
    build.onResolve({ filter: /^@grafana\/runtime\/dist\// }, (args) => ({
      path: path.join(ROOT, 'node_modules', args.path),
    }));
    build.onLoad({ filter: /node_modules\/@grafana\/.*\.mjs$/ }, async (args) => ({
      contents: await fs.promises.readFile(args.path, 'utf8'),
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** The folder of the built host.js and host.css (built now if this content was not built before). */
async function hostBundle() {
  const dir = path.join(OUT_DIR, contentHash());
  if (fs.existsSync(path.join(dir, 'host.js'))) {
    return dir;
  }
  const esbuild = require('esbuild');
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(CLIENT, 'main.tsx')],
    outfile: path.join(tmp, 'host.js'), // and host.css: the styles @grafana/ui imports
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.woff2': 'empty', '.woff': 'empty', '.ttf': 'empty', '.png': 'empty' },
    plugins: [mjsAsPlainJs],
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(tmp, 'host.css'), '', { flag: 'a' }); // present even when nothing imported CSS
  try {
    fs.renameSync(tmp, dir); // atomic: a concurrent start never reads half a build
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process renamed its build first
    if (!fs.existsSync(path.join(dir, 'host.js'))) {
      throw e;
    }
  }
  return dir;
}

module.exports = { hostBundle };
