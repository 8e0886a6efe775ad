import fs from 'node:fs';
import type { SecretRef } from './model';

/**
 * Reads a secret from where the configuration says it lives. The error names the
 * reference (file path or variable name), never the value.
 */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.env !== undefined) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new Error(`environment variable ${ref.env} is not set`);
    }
    return value;
  }
  let value: string;
  try {
    value = fs.readFileSync(ref.file!, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new Error(`cannot read secret file ${ref.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (value === '') {
    throw new Error(`secret file ${ref.file} is empty`);
  }
  return value;
}
