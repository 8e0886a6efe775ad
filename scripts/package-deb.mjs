// `npm run package:deb`: the agent as a Debian package, build/packages/lifeline_VERSION_ARCH.deb.
//   /usr/bin/lifeline                        the command (packaging/deb/lifeline.sh)
//   /usr/lib/lifeline/                       build/backend and the production dependencies only
//   /usr/lib/systemd/system/lifeline-agent.service   examples/systemd/
//   /etc/lifeline/, /etc/default/lifeline    configuration (a conffile), /var/lib/lifeline: state
//   maintainer scripts: packaging/deb/ (postinst creates the system user `lifeline`)
// better-sqlite3's addon is the one `npm ci` built on this machine for this Node ABI (checked
// by loading it); `-- --rebuild` compiles a fresh one in the package tree instead. Prints the
// package, its size and how long each step took.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureTools } = require(path.join(root, 'test/setup/ensure-tools.js'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const rebuild = process.argv.includes('--rebuild');
const started = Date.now();
const timings = [];
const step = (name, fn) => {
  const t = Date.now();
  const r = fn();
  timings.push([name, Date.now() - t]);
  return r;
};

const ARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch];
if (!ARCH) {
  throw new Error(`no Debian architecture known for Node's ${process.arch}`);
}
// The addon is built for one Node major (its ABI): the package depends on exactly that major.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const out = path.join(root, 'build', 'packages');
const tree = path.join(out, `lifeline_${pkg.version}_${ARCH}`);
const lib = path.join(tree, 'usr/lib/lifeline');

function copy(from, to, filter = () => true) {
  fs.cpSync(from, to, { recursive: true, filter, verbatimSymlinks: true });
}

/** Files a package needs at run time: no type declarations, source maps or change logs. */
const runtimeFile = (f) => !/\.(d\.[mc]?ts|map|tsbuildinfo)$|(^|\/)(CHANGELOG|HISTORY)(\.md)?$/i.test(f);

ensureTools(['dpkg-deb']);
if (!fs.existsSync(path.join(root, 'build/backend/cli/main.js'))) {
  throw new Error('build/backend is missing: run "npm run build:backend" first');
}
fs.rmSync(tree, { recursive: true, force: true });

step('agent files', () => {
  copy(path.join(root, 'build/backend'), path.join(lib, 'build/backend'), runtimeFile);
  const { name, version, description, license } = pkg;
  const runtime = { name, version, description, license, private: true, dependencies: pkg.dependencies };
  fs.writeFileSync(path.join(lib, 'package.json'), JSON.stringify(runtime, null, 2) + '\n');
});

step('production dependencies', () => {
  // npm's own view of the installed production closure (no network): one path per package.
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((p) => p.startsWith(path.join(root, 'node_modules') + path.sep));
  for (const dir of listed) {
    const rel = path.relative(root, dir);
    copy(dir, path.join(lib, rel), (f) => runtimeFile(f) && !path.relative(dir, f).startsWith('node_modules'));
  }
  // better-sqlite3 at run time: lib/ and the addon; not the SQLite sources or build objects.
  const sqlite = path.join(lib, 'node_modules/better-sqlite3');
  for (const extra of ['deps', 'src', 'binding.gyp', 'build']) {
    fs.rmSync(path.join(sqlite, extra), { recursive: true, force: true });
  }
  return listed.length;
});

step(rebuild ? 'better-sqlite3 compiled' : 'better-sqlite3 addon reused', () => {
  const sqlite = path.join(lib, 'node_modules/better-sqlite3');
  const addon = path.join(sqlite, 'build/Release/better_sqlite3.node');
  fs.mkdirSync(path.dirname(addon), { recursive: true });
  if (rebuild) {
    const src = path.join(root, 'node_modules/better-sqlite3');
    const work = path.join(out, 'better-sqlite3-build');
    fs.rmSync(work, { recursive: true, force: true });
    copy(src, work, (f) => !f.includes(`${path.sep}build${path.sep}`));
    // node-gyp as npm ships it (what `npm ci` compiled the project's copy with).
    const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    const gyp = path.join(npmRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js');
    // Headers of the running Node (Debian's and NodeSource's nodejs ship them in /usr/include/node).
    const nodedir = fs.existsSync('/usr/include/node/node.h') ? ['--nodedir=/usr'] : [];
    execFileSync(process.execPath, [gyp, 'rebuild', '--release', ...nodedir], { cwd: work, stdio: 'inherit' });
    fs.copyFileSync(path.join(work, 'build/Release/better_sqlite3.node'), addon);
    fs.rmSync(work, { recursive: true, force: true });
  } else {
    fs.copyFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), addon);
  }
  fs.chmodSync(addon, 0o644);
  // The addon must load in this Node (same ABI as the package's nodejs dependency).
  const probe = spawnSync(
    process.execPath,
    ['-e', `new (require(${JSON.stringify(sqlite)}))(':memory:').prepare('select 1').get()`],
    { encoding: 'utf8' }
  );
  if (probe.status !== 0) {
    throw new Error(`the better-sqlite3 addon does not load in Node ${process.versions.node}:\n${probe.stderr}`);
  }
});

step('system files', () => {
  const put = (from, to, mode) => {
    fs.mkdirSync(path.dirname(path.join(tree, to)), { recursive: true });
    fs.copyFileSync(path.join(root, from), path.join(tree, to));
    fs.chmodSync(path.join(tree, to), mode);
  };
  put('packaging/deb/lifeline.sh', 'usr/bin/lifeline', 0o755);
  put('examples/systemd/lifeline-agent.service', 'usr/lib/systemd/system/lifeline-agent.service', 0o644);
  put('packaging/deb/lifeline.default', 'etc/default/lifeline', 0o644);
  fs.mkdirSync(path.join(tree, 'etc/lifeline'), { recursive: true });
  for (const f of ['seed-cluster.yaml', 'loopback-demo.yaml']) {
    put(`examples/${f}`, `usr/share/doc/lifeline/examples/${f}`, 0o644);
  }
  put('LICENSE', 'usr/share/doc/lifeline/copyright', 0o644);
  const debian = path.join(tree, 'DEBIAN');
  fs.mkdirSync(debian);
  for (const s of ['postinst', 'prerm', 'postrm']) {
    put(`packaging/deb/${s}`, `DEBIAN/${s}`, 0o755);
  }
  fs.writeFileSync(path.join(debian, 'conffiles'), '/etc/default/lifeline\n');
  const kib = Number(execFileSync('du', ['-sk', '--exclude=DEBIAN', tree], { encoding: 'utf8' }).split('\t')[0]);
  fs.writeFileSync(
    path.join(debian, 'control'),
    [
      'Package: lifeline',
      `Version: ${pkg.version}`,
      `Architecture: ${ARCH}`,
      'Maintainer: Lifeline <lifeline@localhost>',
      `Installed-Size: ${kib}`,
      `Depends: nodejs (>= ${NODE_MAJOR}), nodejs (<< ${NODE_MAJOR + 1}), adduser`,
      'Recommends: ipmitool, iproute2, iputils-arping, iputils-ping',
      'Suggests: prometheus, snmp',
      'Section: admin',
      'Priority: optional',
      'Homepage: https://github.com/lifeline-ha/lifeline',
      `Description: ${pkg.description}`,
      ' An agent per server heartbeats its peers over every LAN interconnect, checks them',
      ' through their BMCs (IPMI over LAN), receives BMC SNMP traps and fails service groups',
      ' over before a BMC resets a broken server. Includes the lifeline command line.',
      '',
    ].join('\n')
  );
});

const deb = path.join(out, `lifeline_${pkg.version}_${ARCH}.deb`);
step('dpkg-deb --build', () => {
  // Files owned by root, whoever builds it; gzip: readable by every dpkg, 3 s here (xz: 20 s).
  execFileSync('dpkg-deb', ['--build', '-Zgzip', '--root-owner-group', tree, deb], { stdio: 'pipe' });
});

const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const installed = Number(/Installed-Size: (\d+)/.exec(fs.readFileSync(path.join(tree, 'DEBIAN/control'), 'utf8'))[1]);
fs.rmSync(tree, { recursive: true, force: true }); // the .deb holds it all
console.log(`${path.relative(root, deb)}: ${mib(fs.statSync(deb).size)}, installed ${mib(installed * 1024)}`);
for (const [name, ms] of timings) {
  console.log(`  ${name.padEnd(30)} ${(ms / 1000).toFixed(1)} s`);
}
console.log(`  ${'total'.padEnd(30)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
