import { Resource, ResourceCache } from '../../../src/api/store';
import { replaceEqualDeep } from '../../../src/api/share';
import { ApiError } from '../../../src/api/errors';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Resource', () => {
  test('reads are coalesced: one in flight, at most one more after it', async () => {
    const pending: Array<ReturnType<typeof deferred<{ data: number; agent: number }>>> = [];
    const r = new Resource(() => {
      const d = deferred<{ data: number; agent: number }>();
      pending.push(d);
      return d.promise;
    }, 0);
    const first = r.refresh();
    void r.refresh();
    void r.refresh();
    expect(pending).toHaveLength(1);
    pending[0].resolve({ data: 1, agent: 0 });
    await first;
    await Promise.resolve();
    expect(pending).toHaveLength(2);
    pending[1].resolve({ data: 2, agent: 1 });
    await pending[1].promise;
    await Promise.resolve();
    expect(r.getSnapshot()).toMatchObject({ data: 2, agent: 1, loading: false });
  });

  test('a failed read keeps the last data and says why', async () => {
    let fail = false;
    const r = new Resource(async () => {
      if (fail) {
        throw new ApiError('unreachable', 'no agent answered');
      }
      return { data: { a: 1 }, agent: 0 };
    }, 0);
    await r.refresh();
    fail = true;
    await r.refresh();
    expect(r.getSnapshot().data).toEqual({ a: 1 });
    expect(r.getSnapshot().error?.message).toBe('no agent answered');
  });

  test('the cache refreshes only resources a page shows', async () => {
    const cache = new ResourceCache();
    const loads = { status: 0, groups: 0 };
    const status = cache.get('status', () => new Resource(async () => ({ data: ++loads.status, agent: 0 }), 0));
    cache.get('groups', () => new Resource(async () => ({ data: ++loads.groups, agent: 0 }), 0));
    const unsubscribe = status.subscribe(() => undefined);
    cache.invalidate('status', 'groups');
    await Promise.resolve();
    expect(loads).toEqual({ status: 1, groups: 0 });
    unsubscribe();
  });
});

describe('replaceEqualDeep', () => {
  test('unchanged rows keep their identity, changed ones and their parents do not', () => {
    const prev = {
      servers: [
        { name: 'a', paths: [1] },
        { name: 'b', paths: [2] },
      ],
      at: 1,
    };
    const next = {
      servers: [
        { name: 'a', paths: [1] },
        { name: 'b', paths: [3] },
      ],
      at: 2,
    };
    const out = replaceEqualDeep(prev, next);
    expect(out).toEqual(next);
    expect(out.servers[0]).toBe(prev.servers[0]);
    expect(out.servers[1]).not.toBe(prev.servers[1]);
    expect(replaceEqualDeep(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
  });
});
