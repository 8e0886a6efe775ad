/**
 * Live updates: one server-sent event stream (GET /events/stream of the agent in use)
 * whose every event makes the shown resources read again, with a slow poll beside it (the
 * stream carries only that agent's own log, while the status also changes through its
 * peers' heartbeats). Without a stream (refused, dropped, no EventSource) the poll is
 * faster, and every poll goes through the client, so it rotates through the agents.
 */
import type { ClusterClient } from './client';
import { storedEvent, type StoredEventAnswer } from '../../backend/api/answers';
import type { ResourceCache } from './store';
import { proxyUrl } from './urls';

export type LiveMode = 'connecting' | 'stream' | 'polling' | 'stopped';

export interface LiveOptions {
  /** Poll interval beside an open stream. */
  streamPollMs?: number;
  /** Poll interval without a stream. */
  fallbackPollMs?: number;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  EventSource?: typeof EventSource;
}

export interface LiveState {
  mode: LiveMode;
  /** The agent whose stream is open. */
  agent: number | null;
  since: number | null;
}

export class LiveUpdates {
  private state: LiveState = { mode: 'stopped', agent: null, since: null };
  private source: EventSource | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private pollMs = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private backoff: number;
  /** The last stream event id and the agent it came from: a reconnect to that agent replays what was missed. */
  private last: { agent: number; id: string } | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(e: StoredEventAnswer) => void>();
  private readonly o: Required<Omit<LiveOptions, 'EventSource'>> & { EventSource?: typeof EventSource };

  constructor(
    private readonly client: ClusterClient,
    private readonly cache: ResourceCache,
    options: LiveOptions = {}
  ) {
    this.o = {
      streamPollMs: options.streamPollMs ?? 5000,
      fallbackPollMs: options.fallbackPollMs ?? 1500,
      backoffMs: options.backoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      EventSource: options.EventSource ?? (typeof EventSource === 'undefined' ? undefined : EventSource),
    };
    this.backoff = this.o.backoffMs;
  }

  start(): void {
    if (this.state.mode !== 'stopped') {
      return;
    }
    this.connect();
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.clearTimers();
    this.set({ mode: 'stopped', agent: null, since: null });
  }

  getSnapshot = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every event the stream delivers (the Events page's live tail). */
  onEvent(listener: (e: StoredEventAnswer) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private connect() {
    const ES = this.o.EventSource;
    const agent = this.client.pool.order()[0];
    if (!ES || agent === undefined) {
      this.set({ mode: 'polling', agent: null, since: null });
      this.setPoll(this.o.fallbackPollMs);
      return;
    }
    this.set({ mode: 'connecting', agent, since: null });
    this.setPoll(this.o.fallbackPollMs);
    // Agents that replay (Last-Event-ID) take it as ?lastEventId=: EventSource sends the header
    // only on its own reconnects, and ours pick the agent again. Ids are per agent.
    const resume = this.last?.agent === agent ? `?lastEventId=${encodeURIComponent(this.last.id)}` : '';
    const source = new ES(proxyUrl(agent, 'viewer', `/events/stream${resume}`), { withCredentials: true });
    this.source = source;
    let opened = false;
    source.onopen = () => {
      opened = true;
      this.backoff = this.o.backoffMs;
      this.set({ mode: 'stream', agent, since: Date.now() });
      this.setPoll(this.o.streamPollMs);
      // Whatever happened while there was no stream.
      this.cache.refreshActive();
    };
    source.addEventListener('event', (m: MessageEvent) => {
      if (m.lastEventId) {
        this.last = { agent, id: m.lastEventId };
      }
      this.cache.invalidate('status', 'groups', 'monitors', 'events');
      const e = parseEvent(m.data, agent);
      if (e) {
        this.eventListeners.forEach((l) => l(e));
      }
    });
    // The agent could not replay exactly what was missed: read everything again.
    source.addEventListener('reset', () => this.cache.refreshActive());
    source.onerror = () => {
      // EventSource would reconnect to the same agent by itself; we pick the agent again.
      source.close();
      if (this.source !== source) {
        return;
      }
      this.source = null;
      if (!opened) {
        this.client.pool.bad(agent);
      }
      this.set({ mode: 'polling', agent: null, since: null });
      this.setPoll(this.o.fallbackPollMs);
      this.cache.refreshActive();
      const delay = this.backoff;
      this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs);
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.state.mode !== 'stopped') {
          this.connect();
        }
      }, delay);
    };
  }

  private setPoll(ms: number) {
    if (this.poll && this.pollMs === ms) {
      return;
    }
    if (this.poll) {
      clearInterval(this.poll);
    }
    this.pollMs = ms;
    this.poll = setInterval(() => this.cache.refreshActive(), ms);
  }

  private clearTimers() {
    if (this.poll) {
      clearInterval(this.poll);
      this.poll = null;
    }
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
    }
  }

  private set(next: LiveState) {
    this.state = next;
    this.listeners.forEach((l) => l());
  }
}

/** A stream event, with the agent whose log it is (the stream is that agent's own log). */
function parseEvent(data: unknown, agent: number): StoredEventAnswer | null {
  try {
    const r = storedEvent.safeParse(JSON.parse(String(data)));
    return r.success ? { ...r.data, origin: r.data.origin ?? `agent ${agent + 1}` } : null;
  } catch {
    return null;
  }
}
