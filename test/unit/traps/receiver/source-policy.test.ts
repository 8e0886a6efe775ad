import { SourcePolicy } from '../../../../backend/traps/receiver/source-policy';

describe('SourcePolicy', () => {
  const policy = new SourcePolicy(
    new Map([
      ['192.168.0.11', 'server1'],
      ['fe80::12', 'server2'],
    ]),
    ['10.9.0.0/16', '203.0.113.5', '2001:db8::/32']
  );

  test.each([
    ['192.168.0.11', 'server1'],
    ['::ffff:192.168.0.11', 'server1'],
    ['fe80:0:0::12', 'server2'],
    ['10.9.200.1', ''],
    ['203.0.113.5', ''],
    ['2001:db8:1::7', ''],
  ])('%s is allowed (server %p)', (address, server) => {
    expect(policy.check(address)).toBe(server);
  });

  test.each(['192.168.0.12', '10.10.0.1', '2001:db9::1', 'not-an-ip', ''])('%s is denied', (address) => {
    expect(policy.check(address)).toBeUndefined();
  });

  test('denials are logged at most once a minute per source', () => {
    const p = new SourcePolicy(new Map(), []);
    expect(p.shouldLog('1.2.3.4', 0)).toBe(true);
    expect(p.shouldLog('1.2.3.4', 59_999)).toBe(false);
    expect(p.shouldLog('1.2.3.5', 59_999)).toBe(true);
    expect(p.shouldLog('1.2.3.4', 60_000)).toBe(true);
  });
});
