/**
 * The last heartbeat incarnation, kept in the state directory, so that a restart with the
 * wall clock set back (a server booting with a wrong RTC before NTP) still takes a higher
 * incarnation than the last run and its peers accept it (see membership/incarnation.ts).
 * Best effort: an unreadable or unwritable file costs only that guarantee, never the start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { newIncarnation } from '../membership';

export const INCARNATION_FILE = 'incarnation';

/** max(persisted + 1, a fresh one), written back before it is used. */
export function nextIncarnation(stateDir: string, warn: (message: string) => void = () => {}): bigint {
  const file = path.join(stateDir, INCARNATION_FILE);
  let persisted: bigint | null = null;
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (/^\d{1,20}$/.test(text)) {
      persisted = BigInt(text);
    } else {
      warn(`${file} does not hold an incarnation; ignoring it`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      warn(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const fresh = newIncarnation();
  const next = persisted !== null && persisted >= fresh ? persisted + 1n : fresh;
  try {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${next}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    warn(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return next;
}
