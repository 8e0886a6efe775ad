/**
 * Configuration over the peer protocol: the two-phase exchange (agent/config-apply.ts) and
 * the fetch of a kept revision (agent/convergence.ts). A peer that cannot be reached is left
 * out of a change (it catches up through convergence); the reason is logged.
 */
import type { CommitOutcome, PeerTransport, PrepareAnswer, Proposal } from '../agent/config-apply';
import { describeFailure, type PeerFailure } from './failure';
import { type PeerClient, type PeerResult, Serialized } from './client';
import { abortAnswer, commitAnswer, configAnswer, prepareAnswer } from './schemas';
import type { z } from 'zod';

/** Told of every failed call: which peer, which step, and why. */
export type PeerFailureLog = (peer: string, call: string, failure: PeerFailure) => void;

export function httpPeerTransport(client: PeerClient, timeoutMs = 3000, log?: PeerFailureLog): PeerTransport {
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
  const post = async <A>(peer: string, call: string, body: unknown, answer: z.ZodType<A>) => {
    const r = await client.call(peer, { method: 'POST', path: `/internal/config/${call}`, body, answer, timeoutMs });
    if (!r.ok) {
      log?.(peer, call, r);
    }
    return r;
  };
  return {
    async prepare(peer: string, p: Proposal): Promise<PrepareAnswer | undefined> {
      const r = await post(peer, 'prepare', once(p), prepareAnswer);
      if (r.ok) {
        return { ok: true };
      }
      if (r.kind === 'http') {
        const b = r.body ?? {};
        return {
          ok: false,
          reason: b.reason ?? b.error ?? `HTTP ${r.status}`,
          conflict: b.conflict ?? r.status === 409,
        };
      }
      if (r.kind === 'bad-answer') {
        // It answered, but not "prepared": holding nothing we know of, it cannot be committed.
        return { ok: false, reason: describeFailure(r), conflict: false };
      }
      return undefined;
    },
    async commit(peer: string, revision: number, hash: string): Promise<CommitOutcome> {
      const r = await post(peer, 'commit', { revision, hash }, commitAnswer);
      return r.ok ? { ok: true, report: r.body.report } : { ok: false };
    },
    async abort(peer: string, revision: number, hash: string): Promise<void> {
      await post(peer, 'abort', { revision, hash }, abortAnswer);
    },
  };
}

/** GET /config?revision=N from `peer`: a revision it announced (convergence checks the rest). */
export function fetchConfigRevision(
  client: PeerClient,
  peer: string,
  revision: number,
  timeoutMs: number
): Promise<PeerResult<z.infer<typeof configAnswer>>> {
  return client.call(peer, {
    method: 'GET',
    path: '/config',
    query: { revision: String(revision) },
    answer: configAnswer,
    timeoutMs,
  });
}
