/**
 * Groups over the peer protocol: one step on the server concerned (groups/operations.ts) and
 * a request forwarded to the deciding server (controller/). A failure says why, in the step's
 * detail or the refusal's message.
 */
import type { ClusterConfig } from '../config/model';
import { refusalKind } from '../api/refusals';
import type { GroupRequest } from '../controller/request';
import { OperationError, type GroupPeerTransport, type Outcome, type PeerStepAnswer } from '../groups/operations';
import { worstCaseMs } from '../groups/plan';
import type { PeerClient } from './client';
import { describeFailure } from './failure';
import { requestAnswer, stepAnswer } from './schemas';

/**
 * How long one step may take on its server: every script's timeout, and before them the wait
 * for peers to confirm the start (up to one heartbeat timeout, membership/confirmation.ts).
 */
function stepBudgetMs(config: ClusterConfig, group: string): number {
  const g = config.groups.find((x) => x.name === group);
  return g ? worstCaseMs(g) + config.cluster.heartbeat.timeoutMs : 0;
}

/**
 * Group steps on peers. A step may run scripts for minutes, so the wait is the group's own
 * worst case, not the short timeout of the configuration exchange.
 */
export function httpGroupTransport(client: PeerClient, config: () => ClusterConfig): GroupPeerTransport {
  return {
    async step(server, group, action, request): Promise<PeerStepAnswer> {
      const timeoutMs = stepBudgetMs(config(), group) + 10_000;
      const r = await client.call(server, {
        method: 'POST',
        path: `/internal/groups/${encodeURIComponent(group)}/${action}`,
        body: request,
        answer: stepAnswer,
        timeoutMs,
      });
      if (r.ok) {
        return { status: r.status, result: r.body.result };
      }
      if (r.kind === 'http') {
        return { status: r.status!, error: r.body?.error };
      }
      return { status: r.status ?? 0, error: `the agent on ${server} ${describeFailure(r)}` };
    },
  };
}

/**
 * Sends a group request to the deciding server and waits for its outcome (as long as the
 * operation may take). A refusal comes back as the decider's OperationError; a decider that
 * does not answer (or answers nonsense) is `unavailable`, with the reason.
 */
export async function forwardRequest(
  client: PeerClient,
  config: ClusterConfig,
  decider: string,
  request: GroupRequest
): Promise<Outcome> {
  const timeoutMs = 3 * stepBudgetMs(config, request.group) + 10_000;
  const r = await client.call(decider, {
    method: 'POST',
    path: '/internal/groups/request',
    body: request,
    answer: requestAnswer,
    timeoutMs,
  });
  if (r.ok) {
    return r.body.outcome;
  }
  if (r.kind === 'http') {
    throw new OperationError(
      r.body?.error ?? `the deciding server ${decider} answered HTTP ${r.status}`,
      refusalKind(r.status!)
    );
  }
  throw new OperationError(`the deciding server ${decider} ${describeFailure(r)}`, 'unavailable');
}
