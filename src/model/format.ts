/** Display helpers shared by the pages (times are epoch ms, shown in the browser's time zone). */
export function clock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '—';
  }
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '—';
  }
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${clock(ms)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function rtt(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return '';
  }
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function duration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const shortHash = (hash: string) => hash.slice(0, 12);

/** Severity of a state for colouring: the same words the agent uses. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

const TONES: Record<string, Tone> = {
  online: 'ok',
  up: 'ok',
  normal: 'ok',
  on: 'ok',
  self: 'muted',
  pending: 'muted',
  offline: 'muted',
  unknown: 'warn',
  suspect: 'warn',
  warning: 'warn',
  suspended: 'info',
  starting: 'info',
  stopping: 'info',
  recoverable: 'warn',
  informational: 'muted',
  down: 'bad',
  off: 'bad',
  error: 'bad',
  fatal: 'bad',
  'offline-confirmed': 'bad',
  'hung-or-partitioned': 'bad',
  'start-failed': 'bad',
  'stop-failed': 'bad',
  unreachable: 'bad',
  conflict: 'bad',
};

export function toneOf(state: string | null | undefined): Tone {
  return (state && TONES[state]) || 'muted';
}
