import { createHash } from 'node:crypto';
import { canonicalJson, type ClusterConfig } from './model';

/** Content hash of a configuration: SHA-256 of its canonical JSON, lower-case hex. */
export function configHash(config: ClusterConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
