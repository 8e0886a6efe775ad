/**
 * Agents call each other's API (config convergence) with a token every agent can derive
 * from the cluster secret, so no token has to be distributed for it:
 *
 *   peer token = hex(HMAC-SHA256(key = cluster secret, message = "lifeline-peer-api-v1"))
 *
 * Each agent accepts it as the principal {name: "peer", role: "admin"}. Whoever holds the
 * cluster secret can already forge heartbeats, so the token grants nothing the secret does
 * not; it is never logged, and rotating the secret rotates it. The versioned message keeps
 * it distinct from the heartbeat key (membership/codec.ts derives that one separately).
 */
import { createHmac } from 'node:crypto';
import { hashToken, type TokenEntry } from './tokens';

export const PEER_TOKEN_CONTEXT = 'lifeline-peer-api-v1';
export const PEER_PRINCIPAL = 'peer';

export function peerToken(secret: string): string {
  return createHmac('sha256', secret).update(PEER_TOKEN_CONTEXT, 'utf8').digest('hex');
}

/** The token-store entry that accepts the peer token. */
export function peerTokenEntry(secret: string): TokenEntry {
  return { name: PEER_PRINCIPAL, role: 'admin', sha256: hashToken(peerToken(secret)) };
}
