import { useCallback, useState } from 'react';
import { canonicalJson, canonicalObject, validateConfig } from '../../backend/config/model';
import { configAnswer, configApplyAnswer, configHistoryAnswer, type AgentApplyReport } from '../../backend/api/answers';
import { useApi } from '../api/context';
import type { ApiError } from '../api/errors';
import type { DraftData } from './draft';

export type ApplyView =
  | {
      kind: 'done';
      revision: number;
      committed: string[];
      unreachable: string[];
      /** Contract A: absent from agents that do not report what they applied. */
      agents?: AgentApplyReport[];
      /** A rollback: the revision whose configuration was applied again. */
      rolledBack?: number;
    }
  | { kind: 'conflict'; message: string }
  | { kind: 'refused'; message: string; problems?: Array<{ path: string; message: string }> };

export interface Revision {
  revision: number;
  /** Canonical object (defaults filled in) when it validates, else as stored. */
  config: DraftData;
}

export type HistoryEntry = { revision: number; hash: string; appliedAt: string; source: string };

/** A stored revision's configuration in canonical form, so two revisions compare line by line. */
function asRevision(revision: number, config: unknown): Revision {
  const v = validateConfig(config);
  return { revision, config: (v.ok ? canonicalObject(v.config) : config) as DraftData };
}

function refusal(error: ApiError): ApplyView {
  return error.status === 409
    ? { kind: 'conflict', message: error.message }
    : { kind: 'refused', message: error.message, problems: error.problems };
}

/**
 * The cluster side of the editor: the running revision (its number is the If-Match of the
 * write), kept revisions and their history, apply (admin) and rollback (admin). A PUT whose
 * answer was lost is sent to the next agent with the same If-Match; a 409 after that is
 * checked against the current configuration, which may be ours.
 */
export function useClusterConfig() {
  const { client, cache } = useApi();
  const [running, setRunning] = useState<Revision | null>(null);

  const fetchRevision = useCallback(
    async (revision?: number): Promise<Revision> => {
      const r = await client.get(revision === undefined ? '/config' : `/config?revision=${revision}`, configAnswer);
      return asRevision(r.data.revision, r.data.config);
    },
    [client]
  );

  const load = useCallback(async (): Promise<Revision> => {
    const r = await fetchRevision();
    setRunning(r);
    return r;
  }, [fetchRevision]);

  const apply = useCallback(
    async (config: DraftData, base: number): Promise<ApplyView> => {
      const v = validateConfig(config);
      if (!v.ok) {
        return { kind: 'refused', message: 'the configuration is not valid' };
      }
      const body = canonicalObject(v.config);
      const r = await client.putConfig(body, base, configApplyAnswer);
      cache.invalidate('status', 'config');
      if (r.kind === 'done') {
        setRunning({ revision: r.data.revision, config: body as DraftData });
        return { kind: 'done', ...r.data };
      }
      if (r.afterLost && r.error.status === 409) {
        const now = await fetchRevision().catch(() => null);
        if (now && canonicalJson(v.config) === JSON.stringify(now.config, null, 2) + '\n') {
          setRunning(now);
          return { kind: 'done', revision: now.revision, committed: [], unreachable: [] };
        }
      }
      return refusal(r.error);
    },
    [client, cache, fetchRevision]
  );

  const history = useCallback(async (): Promise<HistoryEntry[]> => {
    const r = await client.get('/config/history', configHistoryAnswer);
    return r.data.revisions;
  }, [client]);

  const rollback = useCallback(
    async (revision: number): Promise<ApplyView> => {
      // If-Match: a rollback must not undo an apply this editor has not seen.
      const match: Record<string, string> = running ? { 'If-Match': `"${running.revision}"` } : {};
      const r = await client.mutate(
        'admin',
        '/config/rollback',
        { revision },
        configApplyAnswer,
        () => fetchRevision(),
        match
      );
      cache.invalidate('status', 'config');
      if (r.kind === 'done') {
        await load().catch(() => undefined);
        return { kind: 'done', ...r.data, rolledBack: revision };
      }
      if (r.kind === 'unknown') {
        if (r.state) {
          setRunning(r.state);
        }
        return { kind: 'refused', message: `${r.error.message}; the running revision was read again` };
      }
      return refusal(r.error);
    },
    [client, cache, fetchRevision, load, running]
  );

  /** Edits from now on are based on `r` (a rebase onto it). */
  const adopt = useCallback((r: Revision) => setRunning(r), []);

  return { running, load, adopt, fetchRevision, apply, history, rollback };
}
