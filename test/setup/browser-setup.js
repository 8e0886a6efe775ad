// globalSetup of the browser tests: the integration setup (tools, including chromium, and the
// built agent), and the built plugin that the host serves.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const integrationSetup = require('./global-setup');

module.exports = async function browserSetup() {
  await integrationSetup();
  const dist = path.resolve(__dirname, '..', '..', 'dist', 'module.js');
  if (!fs.existsSync(dist)) {
    throw new Error(`[setup] ${dist} is missing: run "npm run build:plugin" first (npm test does it for you)`);
  }
};
