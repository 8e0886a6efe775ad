/**
 * Structural sharing: the next answer keeps the previous answer's objects wherever they
 * are deeply equal, so React.memo rows of unchanged servers, groups and monitors do not
 * render again when one status change arrives (a status is re-read up to every 100 ms).
 */
export function replaceEqualDeep<T>(prev: unknown, next: T): T {
  if (prev === next) {
    return next;
  }
  const arrays = Array.isArray(prev) && Array.isArray(next);
  if (!arrays && !(isPlain(prev) && isPlain(next))) {
    return next;
  }
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = Object.keys(n);
  const copy: Record<string, unknown> = arrays ? ([] as unknown as Record<string, unknown>) : {};
  let same = Object.keys(p).length === keys.length;
  for (const k of keys) {
    copy[k] = replaceEqualDeep(p[k], n[k]);
    if (copy[k] !== p[k]) {
      same = false;
    }
  }
  return (same ? prev : copy) as T;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
