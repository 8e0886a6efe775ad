/**
 * `lifeline events` as text (pure): one line per event in fixed-width columns, so that lines
 * printed later by --follow line up under the same header.
 */
import type { StoredEvent } from '../../events/event-log';

export type PrintedEvent = StoredEvent & { origin?: string };

const WIDTHS = [24, 12, 13, 10, 16];

function row(cells: string[]): string {
  return cells
    .map((c, i) => (i < WIDTHS.length ? c.padEnd(WIDTHS[i]) : c))
    .join(' ')
    .trimEnd();
}

export const EVENTS_HEADER = row(['TIME', 'ID', 'CLASS', 'SERVER', 'TYPE', 'SUMMARY']);

export function formatEvent(e: PrintedEvent): string {
  const id = `${e.origin ? `${e.origin}#` : '#'}${e.id}`;
  const summary = `${e.summary}${e.repeats > 1 ? ` (x${e.repeats})` : ''}`;
  return row([new Date(e.time).toISOString(), id, e.class, e.server, e.type, summary]);
}

/**
 * Oldest first, like a log: the newest event is the last line, where --follow goes on. The
 * API answers newest first; events of the same millisecond keep their relative order.
 */
export function chronological<T extends { time: number }>(newestFirst: T[]): T[] {
  return [...newestFirst].reverse().sort((a, b) => a.time - b.time);
}
