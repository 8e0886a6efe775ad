import { useCallback, useState } from 'react';
import {
  canonicalJson,
  canonicalObject,
  canonicalYaml,
  validateConfig,
  validateConfigText,
} from '../../backend/config/model';
import { configAnswer, configApplyAnswer } from '../../backend/api/answers';
import { useApi } from '../api/context';

export type ApplyView =
  | { kind: 'done'; revision: number; committed: string[]; unreachable: string[] }
  | { kind: 'refused'; message: string; problems?: Array<{ path: string; message: string }> };

/**
 * The cluster's configuration in the editor: load the current revision (its number is the
 * If-Match of the write) and apply an edited text (admin). A PUT whose answer was lost is
 * sent to the next agent with the same If-Match; a 409 after that is checked against the
 * current configuration, which may be ours.
 */
export function useClusterConfig() {
  const { client, cache } = useApi();
  const [base, setBase] = useState<number | null>(null);

  const load = useCallback(async (): Promise<string> => {
    const r = await client.get('/config', configAnswer);
    const v = validateConfig(r.data.config);
    setBase(r.data.revision);
    return v.ok ? canonicalYaml(v.config) : JSON.stringify(r.data.config, null, 2);
  }, [client]);

  const apply = useCallback(
    async (text: string): Promise<ApplyView> => {
      const v = validateConfigText(text);
      if (!v.ok || base === null) {
        return {
          kind: 'refused',
          message: base === null ? 'load the current configuration first' : 'the configuration is not valid',
        };
      }
      const r = await client.putConfig(canonicalObject(v.config), base, configApplyAnswer);
      cache.invalidate('status', 'config');
      if (r.kind === 'done') {
        setBase(r.data.revision);
        return {
          kind: 'done',
          revision: r.data.revision,
          committed: r.data.committed,
          unreachable: r.data.unreachable,
        };
      }
      if (r.afterLost && r.error.status === 409) {
        const now = await client.get('/config', configAnswer).catch(() => null);
        const current = now ? validateConfig(now.data.config) : null;
        if (now && current?.ok && canonicalJson(current.config) === canonicalJson(v.config)) {
          setBase(now.data.revision);
          return { kind: 'done', revision: now.data.revision, committed: [], unreachable: [] };
        }
      }
      return { kind: 'refused', message: r.error.message, problems: r.error.problems };
    },
    [client, cache, base]
  );

  return { base, load, apply };
}
