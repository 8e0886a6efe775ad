// Child process for the store crash test: writes revisions until `target`, printing each
// revision after its write returned. The parent SIGKILLs it at random moments.
'use strict';
const path = require('node:path');
const build = path.resolve(__dirname, '..', '..', '..', 'build', 'backend', 'config');
const { ConfigStore } = require(path.join(build, 'store.js'));
const { validateConfig } = require(path.join(build, 'model', 'index.js'));
const { maxConfig } = require('../../support/max-config');

const [dir, targetText] = process.argv.slice(2);
const target = Number(targetText);
const store = new ConfigStore(dir, 20);
process.stdout.write('ready\n');
for (let next = (store.current()?.revision ?? 0) + 1; next <= target; next++) {
  const data = maxConfig({ servers: 4, interconnects: 2, groups: 8, monitors: 16 });
  data.cluster.name = `r${next}`;
  const result = validateConfig(data);
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  store.apply(result.config, 'crash-test');
  process.stdout.write(`wrote ${next}\n`);
}
