/**
 * The ledger: one shared file every copy of every ledger resource appends to (see
 * ledger-daemon.cjs), and the checker that reads it back.
 *
 *   server1 g1 start 1764766000123 4242
 *   server1 g1 alive 1764766000173 4242
 *   server1 g1 stop  1764766000190 4242
 *
 * Each copy (host, group, pid) is active from its `start` line to its `stop` line; a copy
 * that fell silent without `stop` (SIGKILL, power off, watchdog reset) is counted active up
 * to its last `alive` line plus one period, since it may have lived until just before the
 * next line was due. An overlap is two copies of one group, on two hosts (or twice on one
 * host), active at the same time: exactly what the cluster must never allow.
 */
import fs from 'node:fs';

/** How often a copy writes `alive`; a silent copy may have lived this much longer. */
export const PERIOD_MS = 50;

export interface LedgerLine {
  host: string;
  group: string;
  kind: 'start' | 'alive' | 'stop';
  ms: number;
  pid: number;
  /** 1-based line number in the file, for evidence. */
  line: number;
  text: string;
}

export interface Copy {
  host: string;
  group: string;
  pid: number;
  from: number;
  /** Last moment it may have been active. */
  to: number;
  /** false: it fell silent without a stop line (killed). */
  stopped: boolean;
  first: LedgerLine;
  last: LedgerLine;
}

export interface Overlap {
  group: string;
  a: Copy;
  b: Copy;
  from: number;
  to: number;
  /** Human-readable: the interval and the lines that prove both copies were active. */
  evidence: string;
}

export function readLedger(file: string): LedgerLine[] {
  if (!fs.existsSync(file)) {
    return [];
  }
  const out: LedgerLine[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const [host, group, kind, ms, pid] = text.trim().split(/\s+/);
      if (kind === 'start' || kind === 'alive' || kind === 'stop') {
        out.push({ host, group, kind, ms: Number(ms), pid: Number(pid), line: i + 1, text: text.trim() });
      }
    });
  return out;
}

/** Every copy the ledger shows, in order of their first line. */
export function copies(lines: LedgerLine[]): Copy[] {
  const byCopy = new Map<string, Copy>();
  for (const l of lines) {
    const key = `${l.host} ${l.group} ${l.pid}`;
    const c = byCopy.get(key);
    if (!c) {
      byCopy.set(key, {
        host: l.host,
        group: l.group,
        pid: l.pid,
        from: l.ms,
        to: l.kind === 'stop' ? l.ms : l.ms + PERIOD_MS,
        stopped: l.kind === 'stop',
        first: l,
        last: l,
      });
      continue;
    }
    c.last = l;
    c.to = l.kind === 'stop' ? l.ms : Math.max(c.to, l.ms + PERIOD_MS);
    c.stopped = c.stopped || l.kind === 'stop';
  }
  return [...byCopy.values()].sort((x, y) => x.from - y.from);
}

/**
 * A copy silent for this long has stopped (killed). Far above the 50 ms period: on a loaded
 * machine a live daemon's timer can be late by hundreds of milliseconds.
 */
export const SILENCE_MS = 1500;

/** Copies still running: no stop line and an alive line within `silenceMs` of `now`. */
export function running(lines: LedgerLine[], now = Date.now(), silenceMs = SILENCE_MS): Copy[] {
  return copies(lines).filter((c) => !c.stopped && now - c.last.ms <= silenceMs);
}

/** Hosts the group runs on now (by the ledger), sorted. */
export function runningHosts(lines: LedgerLine[], group: string, now = Date.now()): string[] {
  return running(lines, now)
    .filter((c) => c.group === group)
    .map((c) => c.host)
    .sort();
}

const iso = (ms: number) => new Date(ms).toISOString().slice(11, 23);

export function overlaps(lines: LedgerLine[], since = 0): Overlap[] {
  const all = copies(lines).filter((c) => c.to >= since);
  const found: Overlap[] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i];
      const b = all[j];
      if (a.group !== b.group) {
        continue;
      }
      const from = Math.max(a.from, b.from);
      const to = Math.min(a.to, b.to);
      if (from < to) {
        const where = a.host === b.host ? `twice on ${a.host}` : `on ${a.host} and ${b.host}`;
        const proof = (c: Copy) =>
          `  ${c.host} pid ${c.pid}: ${iso(c.from)}..${iso(c.to)} ${c.stopped ? '' : '(never stopped: killed or still running) '}` +
          `first line ${c.first.line} "${c.first.text}", last line ${c.last.line} "${c.last.text}"`;
        found.push({
          group: a.group,
          a,
          b,
          from,
          to,
          evidence: `group ${a.group} ran ${where} at once for ${to - from} ms (${iso(from)}..${iso(to)}):\n${proof(a)}\n${proof(b)}`,
        });
      }
    }
  }
  return found;
}

/** A readable account of the ledger's copies (for failure messages). */
export function describe(lines: LedgerLine[], group?: string): string {
  return copies(lines)
    .filter((c) => group === undefined || c.group === group)
    .map(
      (c) =>
        `${c.group} on ${c.host} pid ${c.pid}: ${iso(c.from)}..${iso(c.to)}${c.stopped ? ' stopped' : ' (no stop line)'}`
    )
    .join('\n');
}
