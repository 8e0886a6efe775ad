import { createHmac } from 'node:crypto';
import { peerToken, peerTokenEntry } from '../../../backend/api/peer-token';
import { TokenStore } from '../../../backend/api/tokens';

describe('peer token', () => {
  test('is HMAC-SHA256(cluster secret, "lifeline-peer-api-v1") in hex, the same on every agent', () => {
    const expected = createHmac('sha256', 'secret').update('lifeline-peer-api-v1').digest('hex');
    expect(peerToken('secret')).toBe(expected);
    expect(peerToken('secret')).toMatch(/^[0-9a-f]{64}$/);
    expect(peerToken('other')).not.toBe(expected);
  });

  test('the token store accepts it as {name: peer, role: admin}, and only for the same secret', () => {
    const store = new TokenStore([peerTokenEntry('secret')]);
    expect(store.authenticate(peerToken('secret'))).toMatchObject({ name: 'peer', role: 'admin' });
    expect(store.authenticate(peerToken('other'))).toBeUndefined();
  });
});
