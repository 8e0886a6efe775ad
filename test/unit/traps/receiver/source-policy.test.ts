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
    expect(p.denialToLog('1.2.3.4', 0)).toBe('source');
    expect(p.denialToLog('1.2.3.4', 59_999)).toBe(false);
    expect(p.denialToLog('1.2.3.5', 59_999)).toBe('source');
    expect(p.denialToLog('1.2.3.4', 60_000)).toBe('source');
  });

  test('more sources than the table holds: none is logged twice a minute, the rest share one line', () => {
    const p = new SourcePolicy(new Map(), []);
    const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const lines = new Map<string, number>();
    let untracked = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 12_000; i++) {
        const verdict = p.denialToLog(address(i), round * 1000 + i / 100);
        if (verdict === 'source') {
          lines.set(address(i), (lines.get(address(i)) ?? 0) + 1);
        } else if (verdict === 'untracked') {
          untracked++;
        }
      }
    }
    expect(Math.max(...lines.values())).toBe(1);
    expect(lines.size).toBe(10_000);
    expect(untracked).toBe(1);
    // A minute later the oldest lines are forgotten first and those sources are logged again.
    expect(p.denialToLog(address(0), 60_001)).toBe('source');
  });
});
