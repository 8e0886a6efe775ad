/**
 * Last-Event-ID on GET /events/stream (pure). Each server-sent event carries the id
 * `SERVER:N` (the agent's name and the event's id in its log), so a client that reconnects
 * (EventSource sends the last id it saw as the `Last-Event-ID` header; a client that moves
 * to another agent may pass `?lastEventId=`) gets exactly the events it missed, then the live
 * ones. When that cannot be exact, the stream says `reset` instead and the client re-reads
 * state and events:
 *   - the id is another agent's (each agent's log has its own ids) or is not an id at all;
 *   - it is beyond this log's newest event (the log was replaced: a corrupt file moved aside);
 *   - more than MAX_REPLAY events were missed, or some of them are no longer kept (retention,
 *     or a batch lost while the disk was full): the missed ids are not all there.
 */
import type { StoredEvent } from '../events/event-log';

export const MAX_REPLAY = 500;

export const streamId = (self: string, id: number) => `${self}:${id}`;

export type ReplayPlan = { replay: StoredEvent[] } | { reset: string };

/**
 * `recent`: this log's newest events, newest first, at least MAX_REPLAY of them when the log
 * has that many (EventLog.query({ limit: MAX_REPLAY })).
 */
export function planReplay(lastEventId: string | undefined, self: string, recent: StoredEvent[]): ReplayPlan {
  if (lastEventId === undefined || lastEventId.trim() === '') {
    return { replay: [] };
  }
  const m = /^(.{1,63}):(\d{1,15})$/.exec(lastEventId.trim());
  if (!m) {
    return { reset: `Last-Event-ID "${lastEventId.slice(0, 80)}" is not an event id of this stream (SERVER:N)` };
  }
  if (m[1] !== self) {
    return {
      reset: `Last-Event-ID is from the stream of ${m[1]}; this is ${self}'s (each agent numbers its own events)`,
    };
  }
  const last = Number(m[2]);
  const newest = recent[0]?.id ?? 0;
  if (last > newest) {
    return { reset: `event ${last} is newer than this log's newest (${newest}): the log was replaced` };
  }
  if (newest - last > MAX_REPLAY) {
    return { reset: `${newest - last} events were missed, more than the ${MAX_REPLAY} a stream replays` };
  }
  const missed = recent.filter((e) => e.id > last);
  if (missed.length !== newest - last) {
    return { reset: `some of the ${newest - last} missed events are no longer kept` };
  }
  return { replay: missed.reverse() };
}
