import { noneMatch, weakTag } from '../../../backend/api/state-tag';

describe('state validators', () => {
  test('a weak tag of the JSON: the same state, the same tag', () => {
    expect(weakTag({ a: 1, b: [2] })).toBe(weakTag({ a: 1, b: [2] }));
    expect(weakTag({ a: 1 })).not.toBe(weakTag({ a: 2 }));
    // Fields set to undefined are left out, as JSON leaves them out.
    expect(weakTag({ a: 1, at: undefined })).toBe(weakTag({ a: 1 }));
  });

  test('If-None-Match compares weakly, takes lists and *', () => {
    const t = weakTag('x');
    const opaque = t.slice(2);
    expect(noneMatch(undefined, t)).toBe(false);
    expect(noneMatch(t, t)).toBe(true);
    expect(noneMatch(opaque, t)).toBe(true);
    expect(noneMatch(`W/"other", ${t}`, t)).toBe(true);
    expect(noneMatch('*', t)).toBe(true);
    expect(noneMatch('W/"other"', t)).toBe(false);
    expect(noneMatch('', t)).toBe(false);
  });
});
