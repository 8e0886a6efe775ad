/**
 * The groups this server holds, kept in the state directory as they change, so that an
 * agent restarted after a crash knows which resources the previous run may have left
 * active (and stops them before anything else starts them). Written to a temporary file,
 * synced and renamed: a crash mid-write leaves the previous list, never a torn one.
 * Best effort like the incarnation file: a failure is a warning, never a stopped agent.
 */
import fs from 'node:fs';
import path from 'node:path';

export const HELD_FILE = 'groups-held.json';

export class HeldFile {
  private readonly file: string;
  private last = '';

  constructor(
    stateDir: string,
    private readonly warn: (message: string) => void
  ) {
    this.file = path.join(stateDir, HELD_FILE);
  }

  /** The groups the previous run held; only names that are still configured. */
  read(configured: string[]): string[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.warn(`cannot read ${this.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return [];
    }
    try {
      const list: unknown = JSON.parse(text);
      if (!Array.isArray(list) || !list.every((g) => typeof g === 'string')) {
        throw new Error('not a list of group names');
      }
      this.last = JSON.stringify(list);
      return list.filter((g) => configured.includes(g));
    } catch (e) {
      // Unknown content: release every configured group, since any may have been active.
      this.warn(`${this.file} is not readable (${(e as Error).message}); releasing every group to be safe`);
      return configured;
    }
  }

  /**
   * Groups the previous run held that are no longer configured (a revision removed them
   * while they were held, and the agent stopped before they were): their resources may
   * still run, and only a stop with their last definition takes them down.
   */
  orphans(configured: string[]): string[] {
    let list: unknown;
    try {
      list = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      return []; // read() has said why
    }
    return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string' && !configured.includes(g)) : [];
  }

  write(groups: string[]): void {
    const text = JSON.stringify([...groups].sort());
    if (text === this.last) {
      return;
    }
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(tmp, 'w', 0o600);
      try {
        fs.writeSync(fd, text + '\n');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
      this.last = text;
    } catch (e) {
      this.warn(`cannot write ${this.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}
