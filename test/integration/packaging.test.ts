/**
 * The packages users install, built as `npm run package:deb` and `npm run package:plugin` do:
 *   - the .deb unpacked into a throwaway root (dpkg -x): `lifeline --help` and
 *     `lifeline agent --help` run from it, a real agent runs from it (so the packaged
 *     better-sqlite3 addon loads), it holds production dependencies only, and its systemd
 *     unit passes `systemd-analyze verify` in that root (with the host's own units beside it);
 *   - the postinst creates the system user and the folders (run with recording stand-ins
 *     for the commands that would change this machine);
 *   - the plugin archive: one folder named by the plugin id, and a checksum that verifies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startAgent } from '../support/agent';
import { loopbackCluster } from '../support/cluster';
import { tempDir } from '../support/isolation';
import { ROOT } from '../support/paths';

const PACKAGES = path.join(ROOT, 'build', 'packages');
const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const DEB = path.join(PACKAGES, `lifeline_${version}_amd64.deb`);
let root: string;
let buildOutput: string;

function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...options });
  return { code: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

beforeAll(() => {
  const built = run(process.execPath, [path.join(ROOT, 'scripts', 'package-deb.mjs')]);
  if (built.code !== 0) {
    throw new Error(`package-deb failed (${built.code}):\n${built.stdout}${built.stderr}`);
  }
  buildOutput = built.stdout;
  root = tempDir('lifeline-deb-root-');
  execFileSync('dpkg-deb', ['-x', DEB, root]);
}, 180_000);

describe('the Debian package', () => {
  test('is built with its size and timings reported', () => {
    expect(buildOutput).toMatch(/lifeline_[\d.]+_amd64\.deb: [\d.]+ MiB, installed [\d.]+ MiB/);
    expect(buildOutput).toMatch(/total +[\d.]+ s/);
    const size = fs.statSync(DEB).size;
    expect(size).toBeLessThan(15 * 1024 * 1024); // the npm install it replaces: 605 packages, 680 MB
  });

  test('declares what it needs: Node of the addon ABI, adduser; conffile /etc/default/lifeline', () => {
    const control = execFileSync('dpkg-deb', ['-f', DEB], { encoding: 'utf8' });
    const major = process.versions.node.split('.')[0];
    expect(control).toMatch(
      new RegExp(`^Depends: nodejs \\(>= ${major}\\), nodejs \\(<< ${Number(major) + 1}\\), adduser$`, 'm')
    );
    expect(control).toMatch(/^Architecture: amd64$/m);
    const conffiles = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile "${DEB}" | tar -xOf - ./conffiles`], {
      encoding: 'utf8',
    });
    expect(conffiles).toBe('/etc/default/lifeline\n');
    for (const p of ['usr/bin/lifeline', 'usr/lib/systemd/system/lifeline-agent.service', 'etc/default/lifeline']) {
      expect(fs.statSync(path.join(root, p)).isFile()).toBe(true);
    }
    expect(fs.statSync(path.join(root, 'etc/lifeline')).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(root, 'usr/bin/lifeline')).mode & 0o111).toBe(0o111);
  });

  test('lifeline --help and lifeline agent --help run from the unpacked root', () => {
    const bin = path.join(root, 'usr/bin/lifeline');
    const help = run(bin, ['--help'], { cwd: root });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: lifeline \[options\] \[command\]/);
    const agent = run(bin, ['agent', '--help'], { cwd: root });
    expect(agent).toMatchObject({ code: 0, stderr: '' });
    expect(agent.stdout).toMatch(/^Usage: lifeline agent \[options\]/);
    expect(agent.stdout).toContain('--state-dir');
  });

  test('holds the production dependencies only (no Grafana, React, Monaco, TypeScript)', () => {
    const modules = path.join(root, 'usr/lib/lifeline/node_modules');
    const names = fs
      .readdirSync(modules)
      .flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(modules, n)).map((m) => `${n}/${m}`) : [n]));
    for (const dev of [
      '@grafana/ui',
      '@grafana/data',
      'react',
      'react-dom',
      'monaco-editor',
      'typescript',
      'webpack',
      'jest',
    ]) {
      expect(names).not.toContain(dev);
    }
    const prod = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies);
    expect(prod.filter((p) => !names.includes(p))).toEqual([]);
    // better-sqlite3 without its SQLite sources and build objects: lib/ and the addon.
    expect(fs.readdirSync(path.join(modules, 'better-sqlite3')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'build',
      'lib',
      'package.json',
    ]);
  });

  test('a real agent runs from the unpacked root (the packaged better-sqlite3 addon loads)', async () => {
    const config = loopbackCluster({ name: 'packaged', servers: 1, apiPort: 29141, lanPorts: [29142] });
    const agent = await startAgent(config, 'server1', { command: [path.join(root, 'usr/bin/lifeline')] });
    try {
      const status = await agent.request('GET', '/api/v1/status', undefined, agent.tokens.viewer);
      expect(status).toMatchObject({ status: 200, body: { cluster: 'packaged', self: 'server1' } });
      const events = await agent.request('GET', '/api/v1/events', undefined, agent.tokens.viewer);
      expect(events.status).toBe(200); // served from STATE_DIR/events.db (SQLite)
      expect(fs.existsSync(path.join(agent.dir, 'state', 'events.db'))).toBe(true);
    } finally {
      await agent.stop();
    }
  });

  test('its systemd unit passes systemd-analyze verify in the unpacked root', () => {
    // The root gets the host's own units (targets the unit refers to), nothing else of it.
    fs.cpSync('/usr/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), {
      recursive: true,
      force: false,
      verbatimSymlinks: true,
    });
    const unit = '/usr/lib/systemd/system/lifeline-agent.service';
    const ok = run('systemd-analyze', ['verify', `--root=${root}`, unit]);
    expect(ok).toEqual({ code: 0, stdout: '', stderr: '' });
    // The check can fail: without /usr/bin/lifeline (as before the package existed) it does.
    const bin = path.join(root, 'usr/bin/lifeline');
    fs.renameSync(bin, `${bin}.away`);
    try {
      const missing = run('systemd-analyze', ['verify', `--root=${root}`, unit]);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('Command /usr/bin/lifeline is not executable');
    } finally {
      fs.renameSync(`${bin}.away`, bin);
    }
  });

  test('postinst configure creates the system user lifeline, /var/lib/lifeline and /etc/lifeline rights', () => {
    // Stand-ins that record their arguments instead of changing this machine.
    const bin = tempDir('lifeline-postinst-');
    const log = path.join(bin, 'calls.log');
    for (const cmd of ['adduser', 'install', 'chown', 'chmod', 'systemctl']) {
      fs.writeFileSync(path.join(bin, cmd), `#!/bin/sh\necho "${cmd} $*" >> "${log}"\n`, { mode: 0o755 });
    }
    fs.writeFileSync(path.join(bin, 'getent'), '#!/bin/sh\nexit 2\n', { mode: 0o755 }); // no such user yet
    const postinst = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile "${DEB}" | tar -xOf - ./postinst`], {
      encoding: 'utf8',
    });
    const script = path.join(bin, 'postinst');
    fs.writeFileSync(script, postinst, { mode: 0o755 });
    const r = run('sh', [script, 'configure', ''], { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(r).toMatchObject({ code: 0 });
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toMatch(/^adduser --system --group .*--home \/var\/lib\/lifeline .*lifeline$/);
    expect(calls).toContain('install -d -o lifeline -g lifeline -m 0700 /var/lib/lifeline');
    expect(calls).toContain('chown root:lifeline /etc/lifeline');
    expect(calls).toContain('chmod 0750 /etc/lifeline');
  });
});

describe('the Grafana plugin archive', () => {
  let zip: string;
  let plugin: { id: string; info: { version: string } };
  beforeAll(() => {
    const built = run(process.execPath, [path.join(ROOT, 'scripts', 'package-plugin.mjs')]);
    if (built.code !== 0) {
      throw new Error(`package-plugin failed (${built.code}):\n${built.stdout}${built.stderr}`);
    }
    plugin = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'plugin.json'), 'utf8'));
    zip = path.join(PACKAGES, `${plugin.id}-${plugin.info.version}.zip`);
  }, 60_000);

  test('holds one folder named by the plugin id, with plugin.json, module.js and the dashboards', () => {
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(plugin.id).toBe('lifeline-cluster-app');
    expect(names.filter((n) => !n.startsWith(`${plugin.id}/`))).toEqual([]);
    for (const f of ['plugin.json', 'module.js', 'dashboards/lifeline-cluster-overview.json', 'img/logo.svg']) {
      expect(names).toContain(`${plugin.id}/${f}`);
    }
    const inZip = JSON.parse(execFileSync('unzip', ['-p', zip, `${plugin.id}/plugin.json`], { encoding: 'utf8' }));
    expect(inZip).toMatchObject({ id: plugin.id, type: 'app', info: { version: version } });
  });

  test('its SHA-256 file verifies with sha256sum -c, and fails on a changed archive', () => {
    expect(run('sha256sum', ['-c', `${path.basename(zip)}.sha256`], { cwd: PACKAGES })).toMatchObject({
      code: 0,
      stdout: `${path.basename(zip)}: OK\n`,
    });
    const copy = tempDir('lifeline-zip-');
    fs.copyFileSync(`${zip}.sha256`, path.join(copy, `${path.basename(zip)}.sha256`));
    fs.writeFileSync(path.join(copy, path.basename(zip)), Buffer.concat([fs.readFileSync(zip), Buffer.from('x')]));
    expect(run('sha256sum', ['-c', `${path.basename(zip)}.sha256`], { cwd: copy }).code).toBe(1);
  });
});
