import { useCallback } from 'react';
import {
  groupView,
  monitorClearAnswer,
  operationAnswer,
  type GroupViewAnswer,
  type OperationAnswer,
} from '../../backend/api/answers';
import * as z from 'zod/mini';
import type { Mutation } from './client';
import { useApi } from './context';

export type GroupOp = 'start' | 'stop' | 'move';
export type MonitorOp = 'clear' | 'suspend' | 'resume';

/** How long the agent waits for an operation's outcome before answering 202 (it carries on). */
export const OPERATION_WAIT_S = 20;

const monitorAnswer = z.union([
  monitorClearAnswer,
  z.object({ monitor: z.string(), suspended: z.number() }),
  z.object({ monitor: z.string(), resumed: z.number() }),
]);

/**
 * Operator actions. Each is sent once (ClusterClient.mutate); when its answer is lost, the
 * group (or the monitors) are read again and the result says so, for the operator to
 * decide on a new attempt. Either way the shown state is read again at once.
 */
export function useGroupOperation(): (
  op: GroupOp,
  group: string,
  server?: string
) => Promise<Mutation<OperationAnswer, GroupViewAnswer>> {
  const { client, cache } = useApi();
  return useCallback(
    async (op, group, server) => {
      const name = encodeURIComponent(group);
      const result = await client.mutate(
        'operator',
        `/groups/${name}/${op}?wait=${OPERATION_WAIT_S}`,
        server ? { server } : {},
        operationAnswer,
        async () => (await client.get(`/groups/${name}`, groupView)).data
      );
      cache.invalidate('status', 'groups', 'events');
      return result;
    },
    [client, cache]
  );
}

export function useMonitorOperation(): (
  op: MonitorOp,
  monitor: string,
  server?: string
) => Promise<Mutation<unknown, unknown>> {
  const { client, cache } = useApi();
  return useCallback(
    async (op, monitor, server) => {
      const result = await client.mutate(
        'operator',
        `/monitors/${encodeURIComponent(monitor)}/${op}`,
        op === 'clear' && server ? { server } : {},
        monitorAnswer,
        async () => (await client.get(`/monitors?monitor=${encodeURIComponent(monitor)}`, z.unknown())).data
      );
      cache.invalidate('status', 'monitors', 'events');
      return result;
    },
    [client, cache]
  );
}

const confirmDownAnswer = z.object({ server: z.string(), confirmedDown: z.boolean() });

/**
 * POST /servers/NAME/confirm-down (admin): the operator affirms that a silent server runs
 * nothing, so its groups may start elsewhere. Sent once; a lost answer re-reads the status.
 */
export function useConfirmDown(): (server: string) => Promise<Mutation<unknown, unknown>> {
  const { client, cache } = useApi();
  return useCallback(
    async (server) => {
      const result = await client.mutate(
        'admin',
        `/servers/${encodeURIComponent(server)}/confirm-down`,
        {},
        confirmDownAnswer,
        async () => (await client.get('/status', z.unknown())).data
      );
      cache.invalidate('status', 'groups', 'events');
      return result;
    },
    [client, cache]
  );
}
