/**
 * Text in, validated configuration (or every problem) out. YAML and JSON both parse
 * here: JSON is YAML 1.2, so one parser gives one set of error messages. js-yaml with the
 * core schema: no implicit dates or merge keys, and parsing is the bulk of validating a
 * large file, where it is several times faster than the alternatives we measured.
 */
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { errorMap, problemsFromZod, type Problem } from './problems';
import { clusterConfigSchema, type ClusterConfig } from './schema';
import { checkSemantics } from './semantics';

/** Larger inputs are refused before parsing; a maximum-size config is well under 1 MiB. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export type ValidationResult = { ok: true; config: ClusterConfig } | { ok: false; problems: Problem[] };

export function validateConfig(data: unknown): ValidationResult {
  const parsed = clusterConfigSchema.safeParse(data, { error: errorMap });
  if (!parsed.success) {
    return { ok: false, problems: problemsFromZod(parsed.error) };
  }
  const problems = checkSemantics(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: parsed.data };
}

export type TextParse = { ok: true; data: unknown } | { ok: false; problems: Problem[] };

/**
 * Anchors and aliases are allowed, but a document whose aliases expand to more nodes than
 * this ("billion laughs") is refused before validation walks it. A maximum-size
 * configuration has about 60,000 nodes.
 */
export const MAX_CONFIG_NODES = 1_000_000;

export function parseText(text: string): TextParse {
  if (text.length > MAX_CONFIG_BYTES) {
    return fail(`the file is larger than ${MAX_CONFIG_BYTES} bytes`);
  }
  if (/^\s*(#.*\s*)*$/.test(text)) {
    return fail('the file is empty');
  }
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, maxAliases: 1000, maxDepth: 64 });
  } catch (e) {
    if (e instanceof YAMLException) {
      const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}: ` : '';
      return fail(`syntax error at ${where}${e.reason}`);
    }
    return fail(`syntax error: ${firstLine((e as Error).message)}`);
  }
  if (data === null || data === undefined) {
    return fail('the file is empty');
  }
  if (countNodes(data, MAX_CONFIG_NODES) > MAX_CONFIG_NODES) {
    return fail(`the document expands to more than ${MAX_CONFIG_NODES} values (aliases nested too deep)`);
  }
  return { ok: true, data };
}

/** Counts values, stopping as soon as the budget is exceeded, so the walk itself is bounded. */
function countNodes(value: unknown, budget: number): number {
  let seen = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && seen <= budget) {
    const v = stack.pop();
    seen++;
    if (Array.isArray(v)) {
      for (const item of v) {
        stack.push(item);
      }
    } else if (v !== null && typeof v === 'object') {
      for (const key in v) {
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return seen;
}

function fail(message: string): TextParse {
  return { ok: false, problems: [{ path: [], message }] };
}

export function validateConfigText(text: string): ValidationResult {
  const parsed = parseText(text);
  return parsed.ok ? validateConfig(parsed.data) : parsed;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
