/**
 * The two-phase configuration exchange over the peers' HTTP API (config-apply.ts), with
 * the peer token. A peer that does not answer in time counts as unreachable.
 */
import type { ClusterConfig } from '../config/model';
import type { StoredEvent } from '../events/event-log';
import type { PeerTransport, PrepareAnswer, Proposal } from './config-apply';

export function httpPeerTransport(config: () => ClusterConfig, token: string, timeoutMs = 3000): PeerTransport {
  const url = (peer: string, path: string) => {
    const s = config().servers.find((x) => x.name === peer);
    if (!s) {
      return undefined;
    }
    const host = s.api.address.includes(':') ? `[${s.api.address}]` : s.api.address;
    return `${config().api.tls ? 'https' : 'http'}://${host}:${s.api.port}/api/v1${path}`;
  };
  const post = async (
    peer: string,
    path: string,
    body: unknown
  ): Promise<{ status: number; body: unknown } | undefined> => {
    const target = url(peer, path);
    if (!target) {
      return undefined;
    }
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, body: await res.json().catch(() => ({})) };
    } catch {
      return undefined;
    }
  };
  return {
    async prepare(peer: string, p: Proposal): Promise<PrepareAnswer | undefined> {
      const r = await post(peer, '/internal/config/prepare', p);
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
  const scheme = config.api.tls ? 'https' : 'http';
  const results = await Promise.all(
    peers.map(async (s) => {
      const host = s.api.address.includes(':') ? `[${s.api.address}]` : s.api.address;
      const qs = new URLSearchParams({ ...query, scope: 'local' }).toString();
      try {
        const res = await fetch(`${scheme}://${host}:${s.api.port}/api/v1/events?${qs}`, {
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
