import { SnapshotCache } from '../../../backend/api/snapshot-cache';

describe('SnapshotCache', () => {
  test('serves one rendering within the window, renders again after it', async () => {
    let now = 0;
    let renders = 0;
    const cache = new SnapshotCache(100, { now: () => now });
    const render = () => `body${++renders}`;
    expect(await cache.get(render)).toBe('body1');
    now = 99;
    expect(await cache.get(render)).toBe('body1');
    now = 100;
    expect(await cache.get(render)).toBe('body2');
  });

  test('with no window, concurrent requests share one render and the next one renders anew', async () => {
    let renders = 0;
    const cache = new SnapshotCache(0);
    const render = async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 5));
      return `body${renders}`;
    };
    const bodies = await Promise.all([cache.get(render), cache.get(render), cache.get(render)]);
    expect(bodies).toEqual(['body1', 'body1', 'body1']);
    expect(await cache.get(render)).toBe('body2');
  });
});
