/**
 * "Test connection" of one agent, through Grafana's proxy with each of the three tokens,
 * without changing anything:
 * - viewer: GET /status (which cluster, which server answers);
 * - operator: POST /monitors/<no such monitor>/clear: 404 "no monitor" proves the token has
 *   the operator role (403 otherwise), and nothing is cleared;
 * - admin: PUT /config without If-Match: 428 proves the admin role, and nothing is applied.
 */
import { clusterStatus } from '../../backend/api/answers';
import type { ClusterClient } from './client';

export const PROBE_MONITOR = 'lifeline-connection-test';

export interface ProbeLine {
  role: 'viewer' | 'operator' | 'admin';
  ok: boolean;
  text: string;
}

export async function probeAgent(client: ClusterClient, agent: number): Promise<ProbeLine[]> {
  const lines: ProbeLine[] = [];
  const viewer = await client.probe(agent, 'viewer', 'GET', '/status');
  if (viewer.ok) {
    const parsed = clusterStatus.safeParse(await viewer.response.json().catch(() => null));
    lines.push(
      parsed.success
        ? {
            role: 'viewer',
            ok: true,
            text: `cluster ${parsed.data.cluster}, answered by ${parsed.data.self} (revision ${parsed.data.config.revision})`,
          }
        : { role: 'viewer', ok: false, text: 'answered, but not with a Lifeline status (wrong URL?)' }
    );
  } else {
    lines.push({ role: 'viewer', ok: false, text: viewer.error.message });
  }
  const operator = await client.probe(agent, 'operator', 'POST', `/monitors/${PROBE_MONITOR}/clear`, {});
  lines.push(
    !operator.ok && operator.error.status === 404 && /no monitor/.test(operator.error.message)
      ? { role: 'operator', ok: true, text: 'operator token accepted' }
      : { role: 'operator', ok: false, text: operator.ok ? 'unexpected answer' : operator.error.message }
  );
  const admin = await client.probe(agent, 'admin', 'PUT', '/config', {});
  lines.push(
    !admin.ok && admin.error.status === 428
      ? { role: 'admin', ok: true, text: 'admin token accepted' }
      : { role: 'admin', ok: false, text: admin.ok ? 'unexpected answer' : admin.error.message }
  );
  return lines;
}
