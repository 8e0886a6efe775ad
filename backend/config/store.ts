/**
 * The revisioned configuration store of one agent.
 *
 * Every applied configuration becomes a file `rev-<revision>.json` holding the revision,
 * its content hash and the canonical configuration. A revision file is written to a
 * temporary name, fsynced, then hard-linked to its final name and the directory fsynced:
 * `link` fails if the name exists, so a revision number is claimed exactly once even by
 * two writers racing, and a file under a final name is always complete. A crash at any
 * instant therefore leaves the previous revision or the new one, never a torn file. The
 * current configuration is the highest revision whose file verifies; the newest `keep`
 * revisions are kept for history and rollback.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configHash } from './hash';
import { canonicalObject, type ClusterConfig } from './model';

export const STORE_FORMAT = 1;

export interface RevisionMeta {
  revision: number;
  hash: string;
  appliedAt: string;
  /** Who applied it: "cli", "api:<token name>", "peer:<server>", "rollback:<revision>". */
  source: string;
}

export interface StoredRevision extends RevisionMeta {
  config: ClusterConfig;
}

export class RevisionConflictError extends Error {
  constructor(readonly revision: number) {
    super(`revision ${revision} already exists`);
  }
}

/** A revision could not be written (full disk, read-only file system, permissions); names the file. */
export class StoreWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined
  ) {
    super(
      `cannot store ${file}: ${code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left on the device' : 'write failed'} (${code ?? 'error'})`
    );
  }

  get noSpace(): boolean {
    return this.code === 'ENOSPC' || this.code === 'EDQUOT';
  }
}

const FILE = /^rev-(\d{12})\.json$/;

export class ConfigStore {
  constructor(
    readonly dir: string,
    private readonly keep = 50
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.removeStaleTemporaries();
  }

  /** The newest revision that reads back intact, or undefined for an empty store. */
  current(): StoredRevision | undefined {
    for (const revision of this.revisions().reverse()) {
      const stored = this.read(revision);
      if (stored) {
        return stored;
      }
    }
    return undefined;
  }

  history(): RevisionMeta[] {
    return this.revisions()
      .reverse()
      .map((r) => this.read(r))
      .filter((s): s is StoredRevision => s !== undefined)
      .map(({ config: _config, ...meta }) => meta);
  }

  get(revision: number): StoredRevision | undefined {
    return this.read(revision);
  }

  /**
   * Stores a validated configuration as a new revision: the next one, or exactly
   * `revision` when replicating a peer's (which must be newer than ours).
   */
  apply(config: ClusterConfig, source: string, revision?: number): StoredRevision {
    const latest = this.revisions().at(-1) ?? 0;
    const next = revision ?? latest + 1;
    if (next <= latest) {
      throw new RevisionConflictError(next);
    }
    const record: StoredRevision = {
      revision: next,
      hash: configHash(config),
      appliedAt: new Date().toISOString(),
      source,
      config: canonicalObject(config) as unknown as ClusterConfig,
    };
    this.writeAtomically(next, JSON.stringify({ format: STORE_FORMAT, ...record }, null, 2) + '\n');
    this.prune();
    return record;
  }

  rollback(revision: number, source = 'cli'): StoredRevision {
    const old = this.read(revision);
    if (!old) {
      throw new Error(`revision ${revision} is not in the store (kept: ${this.revisions().join(', ') || 'none'})`);
    }
    return this.apply(old.config, `rollback:${revision} by ${source}`);
  }

  private fileName(revision: number): string {
    return path.join(this.dir, `rev-${String(revision).padStart(12, '0')}.json`);
  }

  private revisions(): number[] {
    return fs
      .readdirSync(this.dir)
      .map((f) => FILE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  private read(revision: number): StoredRevision | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.fileName(revision), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const { format, ...record } = JSON.parse(text) as StoredRevision & { format: number };
      if (format !== STORE_FORMAT || record.revision !== revision || configHash(record.config) !== record.hash) {
        return undefined;
      }
      return record;
    } catch {
      return undefined;
    }
  }

  private writeAtomically(revision: number, data: string) {
    // Date.now() only makes the temporary name unique; no decision reads it.
    const tmp = path.join(this.dir, `.tmp-${process.pid}-${revision}-${Date.now()}`);
    try {
      const fd = fs.openSync(tmp, 'wx', 0o600);
      try {
        fs.writeSync(fd, data);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      // A partial temporary must not sit on a disk that is already full.
      fs.rmSync(tmp, { force: true });
      throw new StoreWriteError(this.fileName(revision), (e as NodeJS.ErrnoException).code);
    }
    try {
      fs.linkSync(tmp, this.fileName(revision));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new RevisionConflictError(revision);
      }
      throw e;
    } finally {
      fs.unlinkSync(tmp);
    }
    this.syncDir();
  }

  private syncDir() {
    const fd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private prune() {
    const all = this.revisions();
    for (const r of all.slice(0, Math.max(0, all.length - this.keep))) {
      fs.rmSync(this.fileName(r), { force: true });
    }
  }

  /** Temporaries of a writer that crashed before linking; they never hold the only copy. */
  private removeStaleTemporaries() {
    for (const f of fs.readdirSync(this.dir)) {
      if (f.startsWith('.tmp-')) {
        const pid = Number(f.split('-')[1]);
        if (!isAlive(pid)) {
          fs.rmSync(path.join(this.dir, f), { force: true });
        }
      }
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
