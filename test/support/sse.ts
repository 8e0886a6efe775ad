/**
 * A server-sent-event reader for tests of GET /events/stream: the frames as the EventSource
 * algorithm splits them (id, event, data), collected as they arrive.
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

export interface SseStream {
  frames: SseFrame[];
  /** Waits until `count` log events (or resets) have arrived; returns them. */
  events: (count: number, ms?: number) => Promise<SseFrame[]>;
  /** The last id seen in any frame (what an EventSource would send as Last-Event-ID). */
  lastId: () => string | undefined;
  close: () => void;
}

export async function openSse(url: string, token: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, ...headers }, signal: abort.signal });
  if (res.status !== 200 || !res.body) {
    throw new Error(`${url}: ${res.status}`);
  }
  const frames: SseFrame[] = [];
  let wake: (() => void) | undefined;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame: SseFrame = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            const m = /^(id|event|data): ?(.*)$/.exec(line);
            if (m) {
              frame[m[1] as keyof SseFrame] = m[2];
            }
          }
          buffer = buffer.slice(end + 2);
          if (Object.keys(frame).length > 0) {
            frames.push(frame);
            wake?.();
          }
        }
      }
    } catch {
      // closed by the test
    }
  })();
  // Log events and resets; `monitors` frames (a peer's rows changed) come at any time.
  const dispatched = () => frames.filter((f) => f.data !== undefined && f.event !== 'monitors');
  return {
    frames,
    async events(count, ms = 5000) {
      const deadline = Date.now() + ms;
      while (dispatched().length < count) {
        if (Date.now() > deadline) {
          throw new Error(`${dispatched().length} of ${count} events arrived: ${JSON.stringify(frames)}`);
        }
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      return dispatched().slice(0, count);
    },
    lastId: () => [...frames].reverse().find((f) => f.id !== undefined)?.id,
    close: () => abort.abort(),
  };
}
