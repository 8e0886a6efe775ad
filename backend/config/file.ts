import fs from 'node:fs';
import { validateConfigText, type ValidationResult } from './model';

/** Reads and validates a configuration file; an unreadable file is one more problem, not a crash. */
export function loadConfigFile(file: string): ValidationResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EACCES'
          ? 'permission denied'
          : err.code === 'EISDIR'
            ? 'is a directory'
            : err.message;
    return { ok: false, problems: [{ path: [], message: `cannot read ${file}: ${why}` }] };
  }
  return validateConfigText(text);
}
