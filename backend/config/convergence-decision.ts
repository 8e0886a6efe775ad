/**
 * Config convergence, the decision (pure). Every heartbeat carries the sender's configuration
 * revision and content hash (authenticated by the heartbeat MAC). From what this agent runs
 * and what its peers announce:
 *
 * - a **conflict** is one revision announced with two or more different hashes (this agent
 *   included). Nobody can tell which is right: it is reported loudly and never adopted;
 * - otherwise the **highest revision above ours** that is not in conflict is fetched from a
 *   peer that announces it and is online (first in server order), and adopted once its
 *   content hash checks out. Revisions in conflict are skipped, lower ones still progress.
 *
 * Revision 0 with an empty hash means "nothing stored yet" and is ignored.
 */

export interface Announcement {
  server: string;
  revision: number;
  hash: string;
  /** Whether the peer is online now (a down peer's last summary cannot be fetched). */
  online: boolean;
}

export interface ConfigConflict {
  revision: number;
  /** Server name -> the hash it announces for `revision` (this agent included when concerned). */
  hashes: Record<string, string>;
}

export interface ConvergenceDecision {
  fetch: { server: string; revision: number; hash: string } | null;
  conflicts: ConfigConflict[];
}

export function decideConvergence(
  self: { server: string; revision: number; hash: string },
  peers: Announcement[]
): ConvergenceDecision {
  const all = [{ ...self, online: true }, ...peers].filter((a) => a.revision > 0 && a.hash !== '');
  const byRevision = new Map<number, Announcement[]>();
  for (const a of all) {
    byRevision.set(a.revision, [...(byRevision.get(a.revision) ?? []), a]);
  }
  const conflicts: ConfigConflict[] = [];
  const conflicting = new Set<number>();
  for (const [revision, list] of [...byRevision].sort((a, b) => a[0] - b[0])) {
    if (new Set(list.map((a) => a.hash)).size > 1) {
      conflicting.add(revision);
      conflicts.push({ revision, hashes: Object.fromEntries(list.map((a) => [a.server, a.hash])) });
    }
  }
  const candidates = [...byRevision.keys()]
    .filter((r) => r > self.revision && !conflicting.has(r))
    .sort((a, b) => b - a);
  for (const revision of candidates) {
    const source = byRevision.get(revision)!.find((a) => a.online && a.server !== self.server);
    if (source) {
      return { fetch: { server: source.server, revision, hash: source.hash }, conflicts };
    }
  }
  return { fetch: null, conflicts };
}

/** A stable key for "the same conflict" (reported once, not at every heartbeat). */
export function conflictKey(c: ConfigConflict): string {
  return `${c.revision}:${Object.entries(c.hashes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([s, h]) => `${s}=${h}`)
    .join(',')}`;
}
