/**
 * Agents call each other's API (config convergence, the two-phase apply, group steps) with a
 * token every agent can derive from the cluster secret, so no token has to be distributed:
 *
 *   peer token = hex(HMAC-SHA256(key = cluster secret, message = "lifeline-peer-api-v1"))
 *
 * It is not an entry of the token store: it authenticates a principal of its own kind
 * (`kind: 'peer'`), the only one the agent-to-agent endpoints (/internal/...) accept, so no
 * configured token can reach them whatever its name or role (and the name "peer" is
 * reserved anyway). Whoever holds the cluster secret can already forge heartbeats, so the
 * token grants nothing the secret does not; it is never logged, and rotating the secret
 * rotates it. The versioned message keeps it distinct from the heartbeat key
 * (membership/codec.ts derives that one separately).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { PEER_PRINCIPAL } from '../config/model';

export const PEER_TOKEN_CONTEXT = 'lifeline-peer-api-v1';
export { PEER_PRINCIPAL };

export function peerToken(secret: string): string {
  return createHmac('sha256', secret).update(PEER_TOKEN_CONTEXT, 'utf8').digest('hex');
}

/** Recognizes the peer token; compares digests in constant time, like the token store. */
export class PeerAuthority {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = createHash('sha256').update(peerToken(secret), 'utf8').digest();
  }

  verify(token: string): boolean {
    return timingSafeEqual(createHash('sha256').update(token, 'utf8').digest(), this.digest);
  }
}
