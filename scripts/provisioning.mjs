// `npm run provisioning`: writes provisioning/alerting/lifeline-alerts.yaml (Grafana-managed
// alert rules) from provisioning/prometheus/lifeline-rules.yaml (scripts/lib/grafana-alerts.mjs);
// `--check` only compares.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';
import { grafanaAlerts, HEADER } from './lib/grafana-alerts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE = path.join(root, 'provisioning/prometheus/lifeline-rules.yaml');
export const TARGET = path.join(root, 'provisioning/alerting/lifeline-alerts.yaml');

export function generated() {
  return HEADER + dump(grafanaAlerts(load(fs.readFileSync(SOURCE, 'utf8'))), { lineWidth: -1, noRefs: true });
}

if (process.argv.includes('--check')) {
  // Exit 1 when the committed file is not what this generates (a test runs this).
  if (!fs.existsSync(TARGET) || fs.readFileSync(TARGET, 'utf8') !== generated()) {
    console.error(`${path.relative(root, TARGET)} is out of date: run "npm run provisioning"`);
    process.exit(1);
  }
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  fs.writeFileSync(TARGET, generated());
  console.log(`${path.relative(root, TARGET)}: written from ${path.relative(root, SOURCE)}`);
}
