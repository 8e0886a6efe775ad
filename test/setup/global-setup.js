'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ensureTools } = require('./ensure-tools');

module.exports = async function globalSetup() {
  ensureTools();
  const cli = path.resolve(__dirname, '..', '..', 'build', 'backend', 'cli', 'main.js');
  if (!fs.existsSync(cli)) {
    throw new Error(`[setup] ${cli} is missing: run "npm run build:backend" first (npm test does it for you)`);
  }
};
