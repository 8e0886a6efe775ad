/**
 * The two-phase configuration exchange over the peers' HTTP API (config-apply.ts), with
 * the peer token, group steps, and the cluster's events. A peer that does not answer in
 * time counts as unreachable.
 */
import type { ClusterConfig } from '../config/model';
import type { StoredEvent } from '../events/event-log';
import { refusalKind } from '../api/refusals';
import type { GroupRequest } from '../controller/request';
import { OperationError, type GroupPeerTransport, type Outcome, type PeerStepAnswer } from '../groups/operations';
import { worstCaseMs } from '../groups/plan';
import type { PeerTransport, PrepareAnswer, Proposal } from './config-apply';

/** The peer's API base URL, or undefined for a server not in the configuration. */
export function peerUrl(config: ClusterConfig, peer: string, path: string): string | undefined {
  const s = config.servers.find((x) => x.name === peer);
  if (!s) {
    return undefined;
  }
  const host = s.api.address.includes(':') ? `[${s.api.address}]` : s.api.address;
  return `${config.api.tls ? 'https' : 'http'}://${host}:${s.api.port}/api/v1${path}`;
}

/** A body serialized once for many peers (a proposal carries the whole configuration). */
class Serialized {
  constructor(readonly json: string) {}
}

/** POST to a peer's API with the peer token; undefined when it does not answer in time. */
export async function peerPost(
  config: ClusterConfig,
  token: string,
  peer: string,
  path: string,
  body: unknown,
  timeoutMs: number
): Promise<{ status: number; body: unknown } | undefined> {
  const target = peerUrl(config, peer, path);
  if (!target) {
    return undefined;
  }
  try {
    const res = await fetch(target, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body instanceof Serialized ? body.json : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  } catch {
    return undefined;
  }
}

export function httpPeerTransport(config: () => ClusterConfig, token: string, timeoutMs = 3000): PeerTransport {
  const post = (peer: string, path: string, body: unknown) => peerPost(config(), token, peer, path, body, timeoutMs);
  // The same proposal goes to every peer: 31 serializations of a 0.5 MB configuration were a
  // large part of a cluster-wide apply.
  const serialized = new WeakMap<Proposal, Serialized>();
  const once = (p: Proposal) => {
    let s = serialized.get(p);
    if (!s) {
      s = new Serialized(JSON.stringify(p));
      serialized.set(p, s);
    }
    return s;
  };
  return {
    async prepare(peer: string, p: Proposal): Promise<PrepareAnswer | undefined> {
      const r = await post(peer, '/internal/config/prepare', once(p));
      if (!r) {
        return undefined;
      }
      if (r.status === 200) {
        return { ok: true };
      }
      const b = r.body as { reason?: string; error?: string; conflict?: boolean };
      return { ok: false, reason: b.reason ?? b.error ?? `HTTP ${r.status}`, conflict: b.conflict ?? r.status === 409 };
    },
    async commit(peer: string, revision: number, hash: string): Promise<boolean> {
      return (await post(peer, '/internal/config/commit', { revision, hash }))?.status === 200;
    },
    async abort(peer: string, revision: number, hash: string): Promise<void> {
      await post(peer, '/internal/config/abort', { revision, hash });
    },
  };
}

/** This agent's view of the cluster's events: each peer's own log, fetched in parallel. */
export async function fetchPeerEvents(
  config: ClusterConfig,
  self: string,
  token: string,
  query: Record<string, string>,
  timeoutMs = 2000
): Promise<{ events: Array<StoredEvent & { origin: string }>; unreachable: string[] }> {
  const peers = config.servers.filter((s) => s.name !== self);
  const results = await Promise.all(
    peers.map(async (s) => {
      const qs = new URLSearchParams({ ...query, scope: 'local' }).toString();
      try {
        const res = await fetch(peerUrl(config, s.name, `/events?${qs}`)!, {
          headers: { Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) {
          return { peer: s.name, events: undefined };
        }
        const body = (await res.json()) as { events: StoredEvent[] };
        return { peer: s.name, events: body.events.map((e) => ({ ...e, origin: s.name })) };
      } catch {
        return { peer: s.name, events: undefined };
      }
    })
  );
  return {
    events: results.flatMap((r) => r.events ?? []),
    unreachable: results.filter((r) => r.events === undefined).map((r) => r.peer),
  };
}

/**
 * Group steps on peers (groups/operations.ts). A step may run scripts for minutes, so the
 * wait is the group's own worst case, not the short timeout of the configuration exchange.
 */
export function httpGroupTransport(config: () => ClusterConfig, token: string): GroupPeerTransport {
  return {
    async step(server, group, action, request): Promise<PeerStepAnswer | undefined> {
      const g = config().groups.find((x) => x.name === group);
      const timeoutMs = (g ? worstCaseMs(g) : 0) + 10_000;
      const r = await peerPost(
        config(),
        token,
        server,
        `/internal/groups/${encodeURIComponent(group)}/${action}`,
        request,
        timeoutMs
      );
      if (!r) {
        return undefined;
      }
      const b = r.body as { result?: PeerStepAnswer['result']; error?: string };
      return { status: r.status, result: b.result, error: b.error };
    },
  };
}

/** Tells every peer this agent is leaving cleanly; best effort, 1 s at most. */
export async function announceLeaving(config: ClusterConfig, token: string, self: string, incarnation: string) {
  await Promise.all(
    config.servers
      .filter((s) => s.name !== self)
      .map((s) => peerPost(config, token, s.name, '/internal/leaving', { server: self, incarnation }, 1000))
  );
}

/**
 * Sends a group request to the deciding server and waits for its outcome (as long as the
 * operation may take). A refusal comes back as the decider's OperationError; a decider that
 * does not answer is `unavailable`.
 */
export async function forwardRequest(
  config: ClusterConfig,
  token: string,
  decider: string,
  request: GroupRequest
): Promise<Outcome> {
  const g = config.groups.find((x) => x.name === request.group);
  const timeoutMs = (g ? 3 * worstCaseMs(g) : 0) + 10_000;
  const r = await peerPost(config, token, decider, '/internal/groups/request', request, timeoutMs);
  if (!r) {
    throw new OperationError(`the deciding server ${decider} did not answer`, 'unavailable');
  }
  const body = r.body as { outcome?: Outcome; error?: string };
  if (r.status === 200 && body.outcome) {
    return body.outcome;
  }
  throw new OperationError(
    body.error ?? `the deciding server ${decider} answered HTTP ${r.status}`,
    refusalKind(r.status)
  );
}

/** Tells every peer an operator confirmed `server` down; best effort, 2 s at most. */
export async function broadcastConfirmDown(config: ClusterConfig, token: string, self: string, server: string) {
  await Promise.all(
    config.servers
      .filter((s) => s.name !== self && s.name !== server)
      .map((s) => peerPost(config, token, s.name, '/internal/servers/confirm-down', { server }, 2000))
  );
}
