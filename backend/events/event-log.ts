/**
 * The agent's event log: every accepted trap, notification and state change, in an
 * embedded SQLite database (better-sqlite3), queryable by time, server, type and class.
 *
 * Writes never happen on the intake's hot path: `append` queues in memory and a timer
 * flushes the queue in one transaction. Storms are folded before they reach the disk:
 * the same PET seen again (same GUID and sequence: BMCs resend until acknowledged, and
 * may send to several agents) and identical events within the burst window become one
 * row with a repeat count. The queue is bounded; if the disk cannot keep up, new rows
 * are dropped and counted, never the process. Retention by count and age runs on flush.
 *
 * Writes that fail (a full disk, an I/O error) drop that batch, counted by reason, and the
 * log keeps going: the next flush tries again, and the first one that succeeds records how
 * many events were lost. A file that is not a database is moved aside (sqlite-file.ts).
 */
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../time/clock';
import { isBrokenDatabase, moveAside, openDatabase, type MovedAside } from './sqlite-file';

/** Why events were not stored: the queue was full, the disk was full, another write error, a broken file. */
export type DropReason = 'queue-full' | 'disk-full' | 'write-error' | 'corrupt';
export const DROP_REASONS: readonly DropReason[] = ['queue-full', 'disk-full', 'write-error', 'corrupt'];

/** What the log tells its owner (logs, metrics, events), besides the events themselves. */
export interface EventLogReports {
  dropped(reason: DropReason, count: number): void;
  /** The first failed write of an outage (not every one). */
  writeFailed(reason: DropReason, message: string): void;
  /** Writes succeed again after an outage. */
  writable(outage: Outage): void;
  /** A broken file was moved aside and a fresh log started. */
  movedAside(moved: MovedAside): void;
}

export interface Outage {
  reason: DropReason;
  message: string;
  since: number;
  until: number;
  dropped: number;
}

export type EventClass = 'fatal' | 'recoverable' | 'informational';

export interface NewEvent {
  time: number; // ms since epoch
  server: string;
  type: string; // 'trap' | 'notify' | 'monitor' | 'recovery-request' | ...
  class: EventClass;
  source?: string;
  monitor?: string;
  summary: string;
  fields?: Record<string, unknown>;
  raw?: string; // hex
  /** Same key again (ever, while remembered): a repeat, e.g. a resent PET (GUID + sequence). */
  dedupeKey?: string;
  /** Same key within the burst window: a repeat of an identical event. */
  burstKey?: string;
}

export interface StoredEvent {
  id: number;
  time: number;
  lastTime: number;
  repeats: number;
  server: string;
  type: string;
  class: EventClass;
  source: string | null;
  monitor: string | null;
  summary: string;
  fields: Record<string, unknown> | null;
  raw: string | null;
}

export interface Appended {
  id: number;
  repeat: false | 'resend' | 'burst';
}

export interface EventQuery {
  from?: number;
  to?: number;
  server?: string;
  type?: string;
  class?: EventClass;
  /** Return events with id below this (paging backwards). */
  before?: number;
  limit?: number;
}

export interface EventLogOptions {
  maxEvents: number;
  maxAgeMs: number;
  burstWindowMs: number;
  flushIntervalMs?: number;
  maxQueue?: number;
  /**
   * Wall time only (default: systemClock): event times are epoch ms, so retention, bursts and
   * outage stamps compare with them on the same clock.
   */
  clock?: Pick<Clock, 'wallNow'>;
  reports?: Partial<EventLogReports>;
}

export interface EventLogStats {
  appended: number;
  repeats: number;
  dropped: number;
  written: number;
  flushes: number;
}

interface Pending {
  event: NewEvent & { id: number };
}

interface Statements {
  insert: Database.Statement;
  bump: Database.Statement;
  deleteOlder: Database.Statement;
  deleteBelow: Database.Statement;
  maxId: Database.Statement;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    last_time INTEGER NOT NULL,
    repeats INTEGER NOT NULL DEFAULT 1,
    server TEXT NOT NULL,
    type TEXT NOT NULL,
    class TEXT NOT NULL,
    source TEXT,
    monitor TEXT,
    summary TEXT NOT NULL,
    fields TEXT,
    raw TEXT
  );
  CREATE INDEX IF NOT EXISTS events_time ON events(time);
  CREATE INDEX IF NOT EXISTS events_server_time ON events(server, time);
  CREATE INDEX IF NOT EXISTS events_class_time ON events(class, time);
`;

function init(db: Database.Database): Statements {
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return {
    insert: db.prepare(
      'INSERT INTO events (id, time, last_time, repeats, server, type, class, source, monitor, summary, fields, raw) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)'
    ),
    bump: db.prepare('UPDATE events SET repeats = repeats + ?, last_time = max(last_time, ?) WHERE id = ?'),
    deleteOlder: db.prepare('DELETE FROM events WHERE time < ?'),
    deleteBelow: db.prepare('DELETE FROM events WHERE id <= ?'),
    maxId: db.prepare('SELECT max(id) AS id FROM events'),
  };
}

function dropReason(e: unknown): DropReason {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_FULL' ? 'disk-full' : isBrokenDatabase(e) ? 'corrupt' : 'write-error';
}

/** Remembered keys are bounded so a storm of distinct events cannot grow memory either. */
const MAX_KEYS = 100_000;

export class EventLog extends EventEmitter {
  private db: Database.Database;
  private sql: Statements;
  private readonly queue: Pending[] = [];
  private readonly repeatsPending = new Map<number, { count: number; lastTime: number }>();
  private readonly dedupe = new Map<string, number>();
  private readonly bursts = new Map<string, { id: number; until: number }>();
  private nextId: number;
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;
  private outage?: Outage;
  readonly stats: EventLogStats = { appended: 0, repeats: 0, dropped: 0, written: 0, flushes: 0 };
  /** Set when the file found at start was broken and moved aside. */
  readonly movedAside?: MovedAside;

  constructor(
    private readonly file: string,
    private readonly options: EventLogOptions
  ) {
    super();
    const clock = options.clock ?? systemClock;
    this.now = () => clock.wallNow();
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    }
    const opened = openDatabase(file, init, this.now);
    this.db = opened.db;
    this.sql = opened.value;
    this.movedAside = opened.moved;
    const row = this.sql.maxId.get() as { id: number | null };
    this.nextId = (row.id ?? 0) + 1;
    this.retain();
  }

  /**
   * Arms the flush timer when something is queued: an idle agent never wakes up for the
   * event log (an agent's CPU budget at idle is a few percent of a core in all).
   */
  private schedule() {
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.flushIntervalMs ?? 100);
      this.timer.unref();
    }
  }

  /**
   * Queues an event; returns its id and whether it folded into an earlier one: `resend`
   * (same dedupe key: the very same event again) or `burst` (identical, within the window).
   */
  append(e: NewEvent): Appended {
    return this.appendWith(e, () => e);
  }

  /**
   * Like append, but the event is only built when it is not a repeat: in a storm the
   * caller skips decoding and formatting for every packet after the first.
   */
  appendWith(keys: { time: number; dedupeKey?: string; burstKey?: string }, build: () => NewEvent): Appended {
    const now = this.now();
    const resend = keys.dedupeKey !== undefined ? this.dedupe.get(keys.dedupeKey) : undefined;
    const earlier = resend ?? this.burstHit(keys.burstKey, now);
    if (earlier !== undefined) {
      this.stats.repeats++;
      const p = this.repeatsPending.get(earlier);
      if (p) {
        p.count++;
        p.lastTime = Math.max(p.lastTime, keys.time);
      } else {
        this.repeatsPending.set(earlier, { count: 1, lastTime: keys.time });
        this.schedule();
      }
      return { id: earlier, repeat: resend !== undefined ? 'resend' : 'burst' };
    }
    if (this.queue.length >= (this.options.maxQueue ?? 50_000)) {
      this.stats.dropped++;
      this.options.reports?.dropped?.('queue-full', 1);
      return { id: 0, repeat: false };
    }
    const e = build();
    const id = this.nextId++;
    this.stats.appended++;
    this.queue.push({ event: { ...e, id } });
    this.schedule();
    if (keys.dedupeKey !== undefined) {
      remember(this.dedupe, keys.dedupeKey, id);
    }
    if (keys.burstKey !== undefined) {
      remember(this.bursts, keys.burstKey, { id, until: now + this.options.burstWindowMs });
    }
    if (this.listenerCount('event') > 0) {
      this.emit('event', { id, ...e });
    }
    return { id, repeat: false };
  }

  private burstHit(key: string | undefined, now: number): number | undefined {
    if (key === undefined) {
      return undefined;
    }
    const b = this.bursts.get(key);
    return b && b.until > now ? b.id : undefined;
  }

  /**
   * Writes everything queued in one transaction, then applies retention. Never throws: a
   * batch that cannot be written is dropped and counted (memory stays bounded while the
   * disk is full), and the next flush tries again.
   */
  flush(): void {
    if (this.queue.length === 0 && this.repeatsPending.size === 0) {
      return;
    }
    const batch = this.queue.splice(0, this.queue.length);
    const repeats = [...this.repeatsPending.entries()];
    this.repeatsPending.clear();
    try {
      this.write(batch, repeats);
    } catch (e) {
      this.failed(e, batch.length);
      return;
    }
    this.stats.written += batch.length;
    this.stats.flushes++;
    if (this.outage) {
      const outage = { ...this.outage, until: this.now() };
      this.outage = undefined;
      this.options.reports?.writable?.(outage);
    }
    this.retain();
  }

  private write(batch: Pending[], repeats: Array<[number, { count: number; lastTime: number }]>) {
    const { insert, bump } = this.sql;
    this.db.transaction(() => {
      for (const { event: e } of batch) {
        insert.run(
          e.id,
          e.time,
          e.time,
          e.server,
          e.type,
          e.class,
          e.source ?? null,
          e.monitor ?? null,
          e.summary,
          e.fields ? JSON.stringify(e.fields) : null,
          e.raw ?? null
        );
      }
      for (const [id, r] of repeats) {
        bump.run(r.count, r.lastTime, id);
      }
    })();
  }

  private failed(e: unknown, lost: number) {
    const reason = dropReason(e);
    const message = `${this.file}: ${(e as Error).message}`;
    this.stats.dropped += lost;
    if (lost > 0) {
      this.options.reports?.dropped?.(reason, lost);
    }
    if (!this.outage) {
      this.outage = { reason, message, since: this.now(), until: this.now(), dropped: 0 };
      this.options.reports?.writeFailed?.(reason, message);
    }
    this.outage.dropped += lost;
    if (reason === 'corrupt') {
      this.reopen(message);
    }
  }

  /** The file broke while running: keep it aside and go on with a fresh one. */
  private reopen(reason: string) {
    try {
      this.db.close();
    } catch {
      // Closing a broken handle may fail too; the file is moved aside either way.
    }
    try {
      const movedTo = moveAside(this.file, this.now());
      const opened = openDatabase(this.file, init, this.now);
      this.db = opened.db;
      this.sql = opened.value;
      this.options.reports?.movedAside?.({ file: this.file, movedTo, reason });
    } catch (e) {
      // Nothing more to do here: later flushes fail and count; a restart tries again.
      this.options.reports?.writeFailed?.('corrupt', (e as Error).message);
    }
  }

  /** Retention needs to write too; on a full disk it waits for the next successful flush. */
  private retain() {
    const cutoff = this.now() - this.options.maxAgeMs;
    try {
      this.sql.deleteOlder.run(cutoff);
      this.sql.deleteBelow.run(this.nextId - 1 - this.options.maxEvents);
    } catch {
      // Counted where it matters: the writes of events.
    }
  }

  query(q: EventQuery = {}): StoredEvent[] {
    this.flush();
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      if (value !== undefined) {
        where.push(clause);
        args.push(value);
      }
    };
    add('time >= ?', q.from);
    add('time <= ?', q.to);
    add('server = ?', q.server);
    add('type = ?', q.type);
    add('class = ?', q.class);
    add('id < ?', q.before);
    const limit = Math.max(1, Math.min(q.limit ?? 100, 1000));
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Array<Record<string, unknown>>).map(toEvent);
  }

  count(): number {
    this.flush();
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  close(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flush();
    try {
      this.db.close();
    } catch {
      // A handle that failed to reopen is already unusable.
    }
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V) {
  if (map.size >= MAX_KEYS) {
    map.delete(map.keys().next().value as string);
  }
  map.set(key, value);
}

function toEvent(r: Record<string, unknown>): StoredEvent {
  return {
    id: r.id as number,
    time: r.time as number,
    lastTime: r.last_time as number,
    repeats: r.repeats as number,
    server: r.server as string,
    type: r.type as string,
    class: r.class as EventClass,
    source: (r.source as string | null) ?? null,
    monitor: (r.monitor as string | null) ?? null,
    summary: r.summary as string,
    fields: r.fields ? (JSON.parse(r.fields as string) as Record<string, unknown>) : null,
    raw: (r.raw as string | null) ?? null,
  };
}
