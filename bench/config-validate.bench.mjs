// Validating a maximum-size configuration (32 servers, 16 interconnects, 128 groups,
// 512 monitors): our full validation (YAML text -> structure -> cross-field rules) and,
// as a peer, ajv checking the same document against our exported JSON Schema (structure
// only, no cross-field rules). Target: full validation under 50 ms.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { percentile, report, round } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const model = require('../build/backend/config/model/index.js');
const { dump: stringify } = require('js-yaml');
const { maxConfig } = require('../test/support/max-config.js');
const Ajv = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats');

const data = maxConfig();
const text = stringify(data);
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
addFormats(ajv);
const ajvValidate = ajv.compile(model.configJsonSchema());

function measure(fn, runs) {
  for (let i = 0; i < 20; i++) {
    fn(); // warm-up: JIT and caches
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(times.at(-1)) };
}

const check = model.validateConfigText(text);
if (!check.ok) {
  throw new Error('max config must be valid');
}
if (!ajvValidate(data)) {
  throw new Error('ajv rejects the max config: ' + JSON.stringify(ajvValidate.errors?.slice(0, 3)));
}

// A cold start is what `lifeline config validate` and an agent reload pay once.
const cold = (() => {
  const t0 = performance.now();
  model.validateConfigText(stringify(maxConfig({ servers: 31 })));
  return round(performance.now() - t0);
})();

const runs = 200;
const full = measure(() => model.validateConfigText(text), runs);
const fromObject = measure(() => model.validateConfig(data), runs);
const peer = measure(() => ajvValidate(data), runs);
const canonical = measure(() => model.canonicalJson(check.config), runs);

const rows = [
  {
    case: 'lifeline: YAML text -> validated config',
    bytes: text.length,
    median_ms: full.median,
    p95_ms: full.p95,
    max_ms: full.max,
  },
  {
    case: 'lifeline: object -> validated config',
    bytes: '',
    median_ms: fromObject.median,
    p95_ms: fromObject.p95,
    max_ms: fromObject.max,
  },
  {
    case: 'peer ajv: JSON Schema, structure only',
    bytes: '',
    median_ms: peer.median,
    p95_ms: peer.p95,
    max_ms: peer.max,
  },
  {
    case: 'lifeline: canonical JSON',
    bytes: '',
    median_ms: canonical.median,
    p95_ms: canonical.p95,
    max_ms: canonical.max,
  },
];
const ok = report('config-validate', {
  rows,
  targets: [
    {
      name: 'full validation of a maximum-size config, p95',
      value: `${full.p95} ms`,
      target: '< 50 ms',
      met: full.p95 < 50,
    },
  ],
  notes: [
    `first (cold) validation: ${cold} ms`,
    `object validation / ajv structural check = ${round(fromObject.median / peer.median, 1)}x (ours also checks cross-field rules and builds defaults)`,
    `${runs} runs after 20 warm-up runs`,
  ],
});
process.exit(ok ? 0 : 1);
