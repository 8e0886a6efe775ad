/**
 * Where a configuration path is written in YAML text, so the YAML view shows a problem at
 * its line. js-yaml gives values, not positions; this reads the block structure (mappings
 * and `- ` lists by indentation), which covers what the agents print and what people write.
 * A value inside flow style (`{a: 1}`) or a block scalar is found at its nearest written
 * parent, which is still the right place to look.
 */
import { formatPath, type PathPart } from '../../backend/config/model';

interface Frame {
  indent: number;
  path: PathPart[];
  kind: 'map' | 'seq';
  count: number;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#{[\]-][^#]*?|-[^\s][^#]*?)\s*:(?:\s+(.*))?$/;

function unquote(k: string): string {
  if (k.startsWith('"')) {
    try {
      return JSON.parse(k) as string;
    } catch {
      return k.slice(1, -1);
    }
  }
  return k.startsWith("'") ? k.slice(1, -1).replace(/''/g, "'") : k;
}

/** Formatted path -> 1-based line of its key or list dash. */
export function yamlLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: Frame[] = [{ indent: -1, path: [], kind: 'map', count: 0 }];
  let pending: { path: PathPart[]; indent: number; scalar: boolean } | null = null;
  const record = (path: PathPart[], line: number) => {
    const key = formatPath(path);
    if (!lines.has(key)) {
      lines.set(key, line);
    }
  };
  const src = text.split('\n');
  for (let i = 0; i < src.length; i++) {
    const raw = src[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---') {
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    if (pending?.scalar) {
      if (indent > pending.indent) {
        continue;
      }
      pending = null;
    }
    if (pending && (indent > pending.indent || (indent === pending.indent && trimmed.startsWith('-')))) {
      stack.push({ indent, path: pending.path, kind: trimmed.startsWith('-') ? 'seq' : 'map', count: 0 });
    }
    pending = null;
    while (
      stack.length > 1 &&
      (stack[stack.length - 1].indent > indent ||
        (stack[stack.length - 1].indent === indent &&
          stack[stack.length - 1].kind === 'seq' &&
          !trimmed.startsWith('-')))
    ) {
      stack.pop();
    }
    let frame = stack[stack.length - 1];
    let rest = trimmed;
    let col = indent;
    if (frame.kind === 'seq' && (rest === '-' || rest.startsWith('- '))) {
      const path = [...frame.path, frame.count++];
      record(path, i + 1);
      rest = rest.slice(1).trimStart();
      col = raw.indexOf(rest, indent + 1);
      if (rest === '') {
        pending = { path, indent, scalar: false };
        continue;
      }
      frame = { indent: col, path, kind: 'map', count: 0 };
      stack.push(frame);
    }
    const m = KEY.exec(rest);
    if (!m || frame.kind !== 'map') {
      continue;
    }
    const path = [...frame.path, unquote(m[1])];
    record(path, i + 1);
    const value = (m[2] ?? '').trim();
    if (value === '' || value.startsWith('#')) {
      pending = { path, indent: col, scalar: false };
    } else if (/^[|>]/.test(value)) {
      pending = { path, indent: col, scalar: true };
    }
  }
  return lines;
}

/** The line of `path`, or of its nearest parent that is written out. */
export function lineOf(lines: Map<string, number>, path: readonly PathPart[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = lines.get(formatPath(path.slice(0, n)));
    if (line !== undefined) {
      return line;
    }
  }
  return undefined;
}
