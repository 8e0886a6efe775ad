import { createHmac } from 'node:crypto';
import { PeerAuthority, peerToken } from '../../../backend/api/peer-token';
import { createToken, TokenStore } from '../../../backend/api/tokens';

describe('peer token', () => {
  test('is HMAC-SHA256(cluster secret, "lifeline-peer-api-v1") in hex, the same on every agent', () => {
    const expected = createHmac('sha256', 'secret').update('lifeline-peer-api-v1').digest('hex');
    expect(peerToken('secret')).toBe(expected);
    expect(peerToken('secret')).toMatch(/^[0-9a-f]{64}$/);
    expect(peerToken('other')).not.toBe(expected);
  });

  test('the peer authority recognizes it, only for the same secret', () => {
    const peer = new PeerAuthority('secret');
    expect(peer.verify(peerToken('secret'))).toBe(true);
    expect(peer.verify(peerToken('other'))).toBe(false);
    expect(peer.verify('')).toBe(false);
  });

  test('a token store refuses entries named like the peer principal, and never yields the peer kind', () => {
    expect(() => new TokenStore([createToken('peer', 'viewer').entry])).toThrow(/reserved/);
    expect(() => new TokenStore([createToken('PEER', 'admin').entry])).toThrow(/reserved/);
    const { token, entry } = createToken('grafana', 'admin');
    expect(new TokenStore([entry]).authenticate(token)).toEqual({ kind: 'token', name: 'grafana', role: 'admin' });
  });
});
