/**
 * PeerMonitors over the peers' API (peer token): GET /internal/monitors (conditional) and
 * POST /internal/monitors/changed. A peer that does not answer in time counts as silent.
 * Answers are checked before use: a peer of another version must not break this agent.
 */
import { z } from 'zod';
import type { ClusterConfig } from '../config/model';
import { MONITOR_STATUSES } from '../monitors/monitor-board';
import { PeerClient, relayPost } from '../peer/client';
import { peerUrl } from '../peer/url';
import type { MonitorPeerTransport, OwnRows } from './peer-monitors';

const name = z.string().max(63);
export const ownRowsSchema = z.object({
  server: name,
  epoch: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  rows: z
    .array(
      z.object({
        monitor: name,
        server: name,
        status: z.enum(MONITOR_STATUSES),
        since: z.number(),
        reason: z.string().max(8192),
        cause: z
          .object({
            sensorType: z.number().optional(),
            eventType: z.number().optional(),
            offset: z.number().optional(),
            eventId: z.number().optional(),
          })
          .optional(),
      })
    )
    .max(100_000),
});

export function httpMonitorTransport(
  config: () => ClusterConfig,
  token: string,
  timeoutMs: number
): MonitorPeerTransport {
  const client = new PeerClient(config, token);
  return {
    async fetch(peer, etag) {
      const target = peerUrl(config(), peer, '/internal/monitors');
      if (!target) {
        return undefined;
      }
      try {
        const res = await fetch(target, {
          headers: { Authorization: `Bearer ${token}`, ...(etag ? { 'If-None-Match': etag } : {}) },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status === 304) {
          return 'unchanged';
        }
        if (!res.ok) {
          await res.body?.cancel();
          return undefined;
        }
        const parsed = ownRowsSchema.safeParse(await res.json());
        return parsed.success ? (parsed.data as OwnRows) : undefined;
      } catch {
        return undefined;
      }
    },
    async announce(peer, own) {
      await relayPost(client, peer, '/internal/monitors/changed', own, timeoutMs);
    },
  };
}
