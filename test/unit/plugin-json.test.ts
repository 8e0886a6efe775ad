import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ROOT, SHARED_REFERENCE } from '../support/paths';

// Grafana's plugin.json schema is read from the shared reference folder, never copied here.
const SCHEMA = path.join(SHARED_REFERENCE, 'grafana-plugin.schema.json');
const haveSchema = fs.existsSync(SCHEMA);
if (!haveSchema) {
  // Visible in the test output: the only case in which these checks do not run.
  process.stderr.write(`plugin.json schema checks skipped: ${SCHEMA} is absent\n`);
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv); // the schema uses "email" and "uri"
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
}

function substituted(text: string): unknown {
  return JSON.parse(
    text
      .replace(/%VERSION%/g, '0.1.0')
      .replace(/%TODAY%/g, '2026-01-01')
      .replace(/%PLUGIN_ID%/g, 'lifeline-cluster-app')
  );
}

(haveSchema ? describe : describe.skip)('plugin.json', () => {
  test('the top-level plugin.json validates against Grafana schema', () => {
    const validate = validator();
    const ok = validate(substituted(fs.readFileSync(path.join(ROOT, 'plugin.json'), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check can fail: a plugin.json without an id is rejected', () => {
    const validate = validator();
    const broken = substituted(fs.readFileSync(path.join(ROOT, 'plugin.json'), 'utf8')) as Record<string, unknown>;
    delete broken.id;
    expect(validate(broken)).toBe(false);
  });

  test('the plugin is the app lifeline-cluster-app and the build fills in version and date', () => {
    const source = JSON.parse(fs.readFileSync(path.join(ROOT, 'plugin.json'), 'utf8'));
    expect(source).toMatchObject({ id: 'lifeline-cluster-app', type: 'app' });
    const built = path.join(ROOT, 'dist', 'plugin.json');
    if (fs.existsSync(built)) {
      const dist = JSON.parse(fs.readFileSync(built, 'utf8'));
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      expect(dist.info.version).toBe(pkg.version);
      expect(dist.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const validate = validator();
      expect(validate(dist)).toBe(true);
    }
  });
});
