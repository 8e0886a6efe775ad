import { jsonDepth } from '../../../backend/api/json-body';

const depth = (s: string, limit?: number) => jsonDepth(Buffer.from(s), limit);

describe('JSON nesting depth (before parsing)', () => {
  test('counts arrays and objects, not brackets inside strings', () => {
    expect(depth('1')).toBe(0);
    expect(depth('{}')).toBe(1);
    expect(depth('{"a":[{"b":[]}]}')).toBe(4);
    expect(depth('["[[[[", "{{{"]')).toBe(1);
    expect(depth('["\\"[[[", {}]')).toBe(2);
    expect(depth('[[],[],[[]]]')).toBe(3);
  });

  test('stops counting past the limit, so a huge body costs one pass at most', () => {
    expect(depth('['.repeat(1000), 64)).toBe(65);
  });
});
