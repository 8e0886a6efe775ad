import fs from 'node:fs';
import path from 'node:path';

/** The version has one home, package.json; found by walking up from this file (source or build). */
function readVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lifeline' && pkg.version) {
        return pkg.version;
      }
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = readVersion();
