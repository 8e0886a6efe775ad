/**
 * Opening the event log's SQLite file, and what to do when it is broken. The event log is
 * history, not state the cluster depends on: a file that is not a database (garbage, a bad
 * header, a truncated copy, a directory in its place) must not keep the agent from starting.
 * It is moved aside, never deleted (someone may want to look at it or recover rows), and a
 * fresh log starts; the caller records that it happened.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';

export interface MovedAside {
  file: string;
  movedTo: string;
  reason: string;
}

/** SQLite result codes that mean "this file is not a usable database". */
const BROKEN = /^SQLITE_(NOTADB|CORRUPT)/;

export function isBrokenDatabase(e: unknown): boolean {
  return BROKEN.test((e as { code?: string }).code ?? '');
}

/** Thrown by `check` when quick_check finds damage that no statement has tripped over yet. */
class DamagedError extends Error {
  readonly code = 'SQLITE_CORRUPT';
}

/**
 * Opens `file` and runs `init` on it (schema, statements). A broken file is moved to
 * `<file>.corrupt-<time>` (its -wal and -shm too: a stale WAL must not be replayed into the
 * fresh log) and a new one is opened; `moved` says so. Other errors (permissions, a full
 * disk) are thrown, naming the file.
 */
export function openDatabase<T>(
  file: string,
  init: (db: Database.Database) => T,
  /** Wall clock, for the moved-aside file's name (people read it). */
  now: () => number = Date.now
): { db: Database.Database; value: T; moved?: MovedAside } {
  // SQLite deletes the WAL when it closes a database it could not open: a second name for
  // it keeps the WAL (rows written just before a crash) should the database prove broken.
  const wal = `${file}-wal`;
  const savedWal = `${file}-wal.opening`;
  fs.rmSync(savedWal, { force: true });
  const hadWal = fs.existsSync(wal) && (fs.linkSync(wal, savedWal), true);
  try {
    const opened = openChecked(file, init);
    fs.rmSync(savedWal, { force: true });
    return opened;
  } catch (e) {
    const notAFile = fs.statSync(file, { throwIfNoEntry: false })?.isFile() === false;
    if (!isBrokenDatabase(e) && !notAFile) {
      fs.rmSync(savedWal, { force: true });
      throw new Error(`cannot open the event log ${file}: ${(e as Error).message}`);
    }
    const reason = notAFile ? 'not a regular file' : (e as Error).message;
    const movedTo = moveAside(file, now(), hadWal ? savedWal : undefined);
    try {
      return { ...openChecked(file, init), moved: { file, movedTo, reason } };
    } catch (again) {
      throw new Error(
        `cannot open a new event log ${file} (the broken one was moved to ${movedTo}): ${(again as Error).message}`
      );
    }
  }
}

function openChecked<T>(file: string, init: (db: Database.Database) => T): { db: Database.Database; value: T } {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // Damage in pages no statement reads at start (a truncated file) is found here, not
    // later by the first query of an operator.
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') {
      throw new DamagedError(`database disk image is malformed (${String(check)})`);
    }
    return { db, value: init(db) };
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Moves `file` (and its -wal, or `savedWal` standing for it, and -shm) to `<file>.corrupt-<time>`. */
export function moveAside(file: string, at: number, savedWal?: string): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  const movedTo = `${file}.corrupt-${stamp}`;
  try {
    fs.renameSync(file, movedTo);
    if (savedWal) {
      fs.rmSync(`${file}-wal`, { force: true });
      fs.renameSync(savedWal, `${movedTo}-wal`);
    }
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(file + suffix)) {
        fs.renameSync(file + suffix, `${movedTo}${suffix}`);
      }
    }
  } catch (e) {
    throw new Error(`the event log ${file} is broken and cannot be moved aside: ${(e as Error).message}`);
  }
  return movedTo;
}
