/**
 * Whether a new configuration revision may be taken: the one check behind a cluster-wide
 * apply (the coordinator), a peer's prepare, and config convergence (a revision fetched from
 * a peer). Pure: the candidate and the current revision in, a verdict out; each caller words
 * the refusal for its own audience.
 *
 * In this order (the first failing check is the verdict):
 *   1. it validates (schema and cross-field rules);
 *   2. its content hash is the one expected (proposed or announced), when one is;
 *   3. it lists the server that must run it, when one is named (the coordinator itself, a
 *      converging agent; not a prepare: a change may remove the peer that prepares it);
 *   4. it is newer: for a two-phase change based on exactly the current revision (else it
 *      lost a race or was edited from a stale copy), otherwise above the current revision.
 */
import { configHash } from '../config/hash';
import { validateConfig, type ClusterConfig, type Problem } from '../config/model';

export interface Candidate {
  config: unknown;
  revision: number;
  /** The hash it must have; absent: whatever it hashes to. */
  hash?: string;
  /** A server the configuration must list. */
  listing?: string;
  /** A two-phase change: the revision it is based on. */
  base?: number;
}

export type RevisionVerdict =
  | { ok: true; config: ClusterConfig; hash: string }
  | { ok: false; kind: 'invalid'; problems: Problem[] }
  | { ok: false; kind: 'hash-mismatch'; hash: string }
  | { ok: false; kind: 'not-listed' }
  | { ok: false; kind: 'stale'; current: number };

export function checkRevision(c: Candidate, current: number): RevisionVerdict {
  const valid = validateConfig(c.config);
  if (!valid.ok) {
    return { ok: false, kind: 'invalid', problems: valid.problems };
  }
  const hash = configHash(valid.config);
  if (c.hash !== undefined && hash !== c.hash) {
    return { ok: false, kind: 'hash-mismatch', hash };
  }
  if (c.listing !== undefined && !valid.config.servers.some((s) => s.name === c.listing)) {
    return { ok: false, kind: 'not-listed' };
  }
  const newer = c.base !== undefined ? c.base === current : c.revision > current;
  if (!newer) {
    return { ok: false, kind: 'stale', current };
  }
  return { ok: true, config: valid.config, hash };
}
