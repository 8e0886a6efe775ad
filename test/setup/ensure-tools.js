// Makes sure the Debian tools that the integration tests drive are installed: as root
// (CI) it installs the missing ones with apt-get; otherwise it fails naming the exact
// command. A missing tool never turns into a silently skipped test.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const tools = require('./tools');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function ensureTools(only = Object.keys(tools), log = (m) => process.stderr.write(m + '\n')) {
  const missing = only.filter((c) => !has(c));
  if (missing.length === 0) {
    return;
  }
  const packages = [...new Set(missing.map((c) => tools[c]))].sort();
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid && process.getuid() === 0) {
    log(`[setup] installing ${packages.join(' ')} for: ${missing.join(', ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'], env });
    const still = missing.filter((c) => !has(c));
    if (still.length > 0) {
      throw new Error(`[setup] still missing after apt-get: ${still.join(', ')}`);
    }
    return;
  }
  throw new Error(`[setup] missing tools: ${missing.join(', ')}. Install them with:\n  sudo sh -c '${command}'`);
}

module.exports = { ensureTools };

if (require.main === module) {
  ensureTools();
}
