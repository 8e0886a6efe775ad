/**
 * Configuration problems as people read them: `path: sentence`, all of them at once,
 * never a stack trace. The path syntax is the one the README and the plugin editor use:
 * `monitors[1].perServer.server2.keyword`.
 */
import type { z } from 'zod';

export type PathPart = string | number;

export interface Problem {
  path: PathPart[];
  message: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else if (IDENT.test(part) || /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(part)) {
      out += out === '' ? part : `.${part}`;
    } else {
      out += `[${JSON.stringify(part)}]`;
    }
  }
  return out === '' ? '(top level)' : out;
}

export function formatProblem(p: Problem): string {
  return `${formatPath(p.path)}: ${p.message}`;
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number':
      return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a text value',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/** Per-parse zod error map: plain sentences for the issues our own schema does not word. */
export function errorMap(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) {
        return 'is required';
      }
      return `must be ${TYPE_WORDS[iss.expected] ?? iss.expected}, not ${describe(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'array') {
        return iss.minimum === 1 ? 'must not be empty' : `must have at least ${String(iss.minimum)} entries`;
      }
      if (iss.origin === 'string') {
        return iss.minimum === 1 ? 'must not be empty' : `must be at least ${String(iss.minimum)} characters`;
      }
      return `must be at least ${String(iss.minimum)}`;
    case 'too_big':
      if (iss.origin === 'array') {
        return `has ${Array.isArray(iss.input) ? iss.input.length : 'too many'} entries; the limit is ${String(iss.maximum)}`;
      }
      if (iss.origin === 'string') {
        return `is longer than ${String(iss.maximum)} characters`;
      }
      return `must be at most ${String(iss.maximum)}`;
    case 'invalid_value':
      return `must be ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_union':
      return 'does not match any allowed form';
    case 'invalid_key':
      // A record key failed its own schema: say what the key schema says.
      return iss.issues[0]?.message ?? 'is not an allowed key';
    default:
      return undefined;
  }
}

/** Flattens zod issues (one per unknown key, so each gets its own path). */
export function problemsFromZod(error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is PathPart => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: [...path, key], message: unknownKeyMessage(key) });
      }
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

const SECRET_WORDS = /^(password|secret|key|token|value|community)$/i;

function unknownKeyMessage(key: string): string {
  if (SECRET_WORDS.test(key)) {
    return `unknown field ${JSON.stringify(key)} (secrets are never written inline: use {file: PATH} or {env: NAME})`;
  }
  return `unknown field ${JSON.stringify(key)}`;
}
