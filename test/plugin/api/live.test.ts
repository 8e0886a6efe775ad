import { createApi } from '../../../src/api/context';
import { resources } from '../../../src/api/resources';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { fakeFetch } from '../support/fake-fetch';

/** An EventSource the test drives. */
class FakeEventSource {
  static all: FakeEventSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private readonly handlers: Record<string, Array<(m: MessageEvent) => void>> = {};
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, h: (m: MessageEvent) => void) {
    (this.handlers[type] ??= []).push(h);
  }
  emit(type: string, data: unknown, lastEventId = '') {
    this.handlers[type]?.forEach((h) => h({ data: JSON.stringify(data), lastEventId } as MessageEvent));
  }
  close() {
    this.closed = true;
  }
}

beforeEach(() => {
  jest.useFakeTimers();
  FakeEventSource.all = [];
});
afterEach(() => jest.useRealTimers());

function setup() {
  const state = clusterState();
  const f = fakeFetch([fakeAgent(state, 'server1'), fakeAgent(state, 'server2')]);
  const api = createApi(['http://a', 'http://b'], {
    client: { fetch: f.fetch },
    live: {
      EventSource: FakeEventSource as unknown as typeof EventSource,
      streamPollMs: 10_000,
      fallbackPollMs: 1000,
      backoffMs: 500,
    },
  });
  return { api, calls: f.calls, state };
}

test('a stream event reads the shown status again; the stream is the first agent in order', async () => {
  const { api, calls } = setup();
  const status = resources.status(api.client, api.cache);
  status.subscribe(() => undefined);
  api.live.start();
  const es = FakeEventSource.all[0];
  expect(es.url).toBe('/api/plugin-proxy/lifeline-cluster-app/agent0/viewer/api/v1/events/stream');
  es.onopen?.();
  expect(api.live.getSnapshot()).toMatchObject({ mode: 'stream', agent: 0 });
  await jest.advanceTimersByTimeAsync(300);
  const before = calls.filter((c) => c.path === '/status').length;
  const seen: number[] = [];
  api.live.onEvent((e) => seen.push(e.id));
  es.emit('event', { id: 42, time: 1, server: 'server1', type: 'group', class: 'informational', summary: 'x' });
  await jest.advanceTimersByTimeAsync(300);
  expect(calls.filter((c) => c.path === '/status').length).toBe(before + 1);
  expect(seen).toEqual([42]);
  api.live.stop();
});

test('a stream that fails: polling (rotating through the agents), then a new stream on another agent', async () => {
  const { api, calls } = setup();
  const status = resources.status(api.client, api.cache);
  status.subscribe(() => undefined);
  api.live.start();
  FakeEventSource.all[0].onerror?.();
  expect(FakeEventSource.all[0].closed).toBe(true);
  expect(api.live.getSnapshot().mode).toBe('polling');
  // Never opened: that agent is skipped for now, by the polls too.
  expect(api.pool.isDead(0)).toBe(true);
  calls.length = 0;
  await jest.advanceTimersByTimeAsync(1000);
  expect(calls.filter((c) => c.path === '/status').map((c) => c.agent)).toContain(1);
  expect(FakeEventSource.all[1].url).toContain('/agent1/viewer/');
  api.live.stop();
});

test('without EventSource the console polls', async () => {
  const state = clusterState();
  const f = fakeFetch([fakeAgent(state)]);
  const api = createApi(['http://a'], { client: { fetch: f.fetch }, live: { fallbackPollMs: 1000 } });
  const status = resources.status(api.client, api.cache);
  status.subscribe(() => undefined);
  api.live.start();
  expect(api.live.getSnapshot().mode).toBe('polling');
  await jest.advanceTimersByTimeAsync(3100);
  expect(f.calls.filter((c) => c.path === '/status').length).toBeGreaterThanOrEqual(3);
  api.live.stop();
});

test('a dropped stream reopens on the same agent from the last event it delivered (?lastEventId=)', async () => {
  const { api } = setup();
  resources.status(api.client, api.cache).subscribe(() => undefined);
  api.live.start();
  const first = FakeEventSource.all[0];
  first.onopen?.();
  await jest.advanceTimersByTimeAsync(300);
  first.emit(
    'event',
    { id: 42, time: 1, server: 'server1', type: 'group', class: 'informational', summary: 'x' },
    'server1:42'
  );
  first.onerror?.();
  // It had opened: the agent is not marked dead, and the retry waits its backoff.
  expect(api.pool.isDead(0)).toBe(false);
  await jest.advanceTimersByTimeAsync(600);
  expect(FakeEventSource.all[1].url).toBe(
    '/api/plugin-proxy/lifeline-cluster-app/agent0/viewer/api/v1/events/stream?lastEventId=server1%3A42'
  );
  api.live.stop();
});
