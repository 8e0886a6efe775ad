/**
 * Best-effort notices to every peer (leaving, an operator's confirm-down) and the cluster's
 * events, each peer's own log fetched in parallel.
 */
import type { ClusterConfig } from '../config/model';
import type { StoredEvent } from '../events/event-log';
import type { PeerClient } from './client';
import type { PeerFailure } from './failure';
import { eventsAnswer, okAnswer } from './schemas';

export interface NoticeFailure {
  peer: string;
  failure: PeerFailure;
}

async function tellAll(
  client: PeerClient,
  peers: string[],
  path: string,
  body: unknown,
  timeoutMs: number
): Promise<NoticeFailure[]> {
  const results = await Promise.all(
    peers.map(async (peer) => ({
      peer,
      r: await client.call(peer, { method: 'POST', path, body, answer: okAnswer, timeoutMs }),
    }))
  );
  return results.flatMap(({ peer, r }) => (r.ok ? [] : [{ peer, failure: r }]));
}

/** Tells every peer this agent is leaving cleanly; best effort, 1 s at most. */
export async function announceLeaving(
  client: PeerClient,
  config: ClusterConfig,
  self: string,
  incarnation: string
): Promise<NoticeFailure[]> {
  const peers = config.servers.map((s) => s.name).filter((n) => n !== self);
  return tellAll(client, peers, '/internal/leaving', { server: self, incarnation }, 1000);
}

/** Tells every peer an operator confirmed `server` down; best effort, 2 s at most. */
export async function broadcastConfirmDown(
  client: PeerClient,
  config: ClusterConfig,
  self: string,
  server: string
): Promise<NoticeFailure[]> {
  const peers = config.servers.map((s) => s.name).filter((n) => n !== self && n !== server);
  return tellAll(client, peers, '/internal/servers/confirm-down', { server }, 2000);
}

/** This agent's view of the cluster's events: each peer's own log, fetched in parallel. */
export async function fetchPeerEvents(
  client: PeerClient,
  config: ClusterConfig,
  self: string,
  query: Record<string, string>,
  timeoutMs = 2000
): Promise<{ events: Array<StoredEvent & { origin: string }>; unreachable: string[] }> {
  const peers = config.servers.filter((s) => s.name !== self);
  const results = await Promise.all(
    peers.map(async (s) => {
      const r = await client.call(s.name, {
        method: 'GET',
        path: '/events',
        query: { ...query, scope: 'local' },
        answer: eventsAnswer,
        timeoutMs,
      });
      return { peer: s.name, events: r.ok ? r.body.events.map((e) => ({ ...e, origin: s.name })) : undefined };
    })
  );
  return {
    events: results.flatMap((r) => r.events ?? []),
    unreachable: results.filter((r) => r.events === undefined).map((r) => r.peer),
  };
}
