// `npm run package:plugin`: the Grafana app plugin as the archive Grafana installs,
// build/packages/lifeline-cluster-app-VERSION.zip (one folder named by the plugin id, holding
// dist/), and its SHA-256 in the `sha256sum -c` format beside it. File times are set to the
// last commit's, so the same sources give the same archive and checksum.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureTools } = require(path.join(root, 'test/setup/ensure-tools.js'));

ensureTools(['zip']);
const dist = path.join(root, 'dist');
if (!fs.existsSync(path.join(dist, 'module.js'))) {
  throw new Error('dist/ is missing: run "npm run build:plugin" first');
}
const plugin = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
const out = path.join(root, 'build', 'packages');
const stage = path.join(out, 'plugin');
const zip = path.join(out, `${plugin.id}-${plugin.info.version}.zip`);
fs.rmSync(stage, { recursive: true, force: true });
fs.rmSync(zip, { force: true });
fs.cpSync(dist, path.join(stage, plugin.id), { recursive: true });

let epoch = 946684800; // 2000-01-01, when this is not a git checkout
try {
  epoch = Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' }).trim());
} catch {
  // keep the fixed date
}
const files = [];
(function walk(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) {
      walk(p);
    } else {
      files.push(path.relative(stage, p));
    }
    fs.utimesSync(p, epoch, epoch);
  }
})(path.join(stage, plugin.id));
// -X: no extra attributes (uid, times beyond the DOS ones); -D: no directory entries.
execFileSync('zip', ['-q', '-X', '-D', zip, '-@'], { cwd: stage, input: files.join('\n') + '\n' });
fs.rmSync(stage, { recursive: true, force: true });

const sha256 = crypto.createHash('sha256').update(fs.readFileSync(zip)).digest('hex');
fs.writeFileSync(`${zip}.sha256`, `${sha256}  ${path.basename(zip)}\n`);
console.log(`${path.relative(root, zip)}: ${(fs.statSync(zip).size / 1024).toFixed(0)} KiB, ${files.length} files`);
console.log(`sha256 ${sha256} (${path.relative(root, zip)}.sha256)`);
