/**
 * The configuration reference in the README is generated from the schema (through its
 * JSON Schema export), so the documentation cannot drift from what the agent accepts.
 */
import { configJsonSchema } from './model';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

const SELECTOR = 'Selects the variant.';

interface Row {
  path: string;
  type: string;
  required: boolean;
  defaultValue?: unknown;
  description: string;
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) {
    return `\`${JSON.stringify(s.const)}\``;
  }
  if (s.enum) {
    return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  }
  if (s.type === 'integer' && s.minimum !== undefined && s.maximum !== undefined) {
    return `integer ${s.minimum}-${s.maximum}`;
  }
  if (s.type === 'array') {
    return `list${s.maxItems !== undefined ? ` (max ${s.maxItems})` : ''}`;
  }
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    return 'map';
  }
  if (s.oneOf || s.anyOf) {
    return 'one of';
  }
  return s.type ?? 'any';
}

function walk(s: JsonSchema, path: string, required: boolean, rows: Row[]) {
  rows.push({ path, type: typeOf(s), required, defaultValue: s.default, description: s.description ?? '' });
  walkChildren(s, path, rows);
}

/** Rows for what is inside a field: object members, list items, map values, union variants. */
function walkChildren(s: JsonSchema, path: string, rows: Row[]) {
  const variants = s.oneOf ?? s.anyOf;
  if (variants) {
    // Fields common to every variant are listed once; the others say which variant has them.
    const perVariant = variants.map((v) => {
      const own: Row[] = [];
      walkObject(v, path, own);
      const tag = Object.entries(v.properties ?? {}).find(([, p]) => p.const !== undefined);
      return { own, tag: tag ? `${tag[0]}: ${String(tag[1].const)}` : '' };
    });
    const inAll = (r: Row) => perVariant.every((v) => v.own.some((o) => o.path === r.path));
    const listed = new Set<string>();
    for (const { own, tag } of perVariant) {
      for (const r of own) {
        if (inAll(r)) {
          const existing = rows.find((x) => x.path === r.path && listed.has(r.path));
          if (!existing) {
            rows.push(r);
            listed.add(r.path);
          } else if (r.description === SELECTOR && !existing.type.includes(r.type)) {
            existing.type += ` \\| ${r.type}`;
          }
        } else {
          rows.push({ ...r, description: `(${tag} only) ${r.description}` });
        }
      }
    }
  } else if (s.type === 'array' && s.items) {
    walkChildren(s.items, `${path}[]`, rows);
  } else if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    walkChildren(s.additionalProperties, `${path}.<server>`, rows);
  } else {
    walkObject(s, path, rows);
  }
}

function walkObject(s: JsonSchema, path: string, rows: Row[]) {
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (child.const !== undefined) {
      rows.push({ path: childPath, type: typeOf(child), required: true, description: SELECTOR });
      continue;
    }
    walk(child, childPath, s.required?.includes(key) ?? false, rows);
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function configReferenceMarkdown(): string {
  const rows: Row[] = [];
  walkChildren(configJsonSchema() as JsonSchema, '', rows);
  const lines = ['| Field | Type | Required | Default | Description |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const def = r.defaultValue === undefined ? '' : `\`${JSON.stringify(r.defaultValue)}\``;
    lines.push(
      `| \`${r.path}\` | ${r.type} | ${r.required && r.defaultValue === undefined ? 'yes' : ''} | ${cell(def)} | ${cell(r.description)} |`
    );
  }
  return lines.join('\n') + '\n';
}
