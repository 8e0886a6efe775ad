import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseText, validateConfig, type ClusterConfig } from '../../../backend/config/model';
import { makeLayout, newIncarnation, resolveTopology, timingFor } from '../../../backend/membership';
import { fromWallTime, toWallTime } from '../../../backend/time/wall';
import { EXAMPLES } from '../../support/paths';

function loopbackDemo(): ClusterConfig {
  const text = readFileSync(path.join(EXAMPLES, 'loopback-demo.yaml'), 'utf8');
  const parsed = parseText(text);
  if (!parsed.ok) {
    throw new Error('unparsable example');
  }
  const r = validateConfig(parsed.data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

describe('topology from the configuration', () => {
  test('the loopback demo: two LAN interconnects with ports, the BMC route left out', () => {
    const t = resolveTopology(loopbackDemo(), 'server1');
    expect(t).toMatchObject({
      cluster: 'demo',
      self: 'server1',
      servers: ['server1', 'server2'],
      groups: ['failover1'],
    });
    expect(t.peers).toEqual([{ name: 'server2', index: 1, bmcConfigured: true }]);
    expect(t.lan).toEqual([
      { index: 0, port: 29002, localAddress: '127.0.0.1', peers: new Map([['server2', '127.0.0.2']]) },
      { index: 1, port: 29003, localAddress: '127.0.2.1', peers: new Map([['server2', '127.0.2.2']]) },
    ]);
  });

  test('the default port, and IPv6 addresses in canonical form', () => {
    const c = loopbackDemo();
    const v6: ClusterConfig = {
      ...c,
      interconnects: [{ type: 'lan', addresses: { server1: 'FD00:0:0::1', server2: 'fd00::0:2' } }],
    };
    const t = resolveTopology(v6, 'server2');
    expect(t.lan).toEqual([
      { index: 0, port: 29002, localAddress: 'fd00::2', peers: new Map([['server1', 'fd00::1']]) },
    ]);
  });

  test('clear errors for an unknown server or no LAN interconnect', () => {
    const c = loopbackDemo();
    expect(() => resolveTopology(c, 'server3')).toThrow(
      'server "server3" is not in the configuration (servers: server1, server2)'
    );
    expect(() => resolveTopology({ ...c, interconnects: [c.interconnects[2]] }, 'server1')).toThrow(
      /no lan interconnect/
    );
  });
});

describe('timing', () => {
  test('defaults: suspect after half the timeout (at least 1.5 intervals), BMC readings last 3 timeouts', () => {
    const c = loopbackDemo(); // 200 ms / 1000 ms
    expect(timingFor(c)).toEqual({ intervalMs: 200, timeoutMs: 1000, suspectAfterMs: 500, bmcMaxAgeMs: 3000 });
    const tight = { ...c, cluster: { ...c.cluster, heartbeat: { intervalMs: 100, timeoutMs: 200 } } };
    expect(timingFor(tight).suspectAfterMs).toBe(150);
    expect(timingFor(c, { suspectAfterMs: 700, bmcMaxAgeMs: 10_000 })).toMatchObject({
      suspectAfterMs: 700,
      bmcMaxAgeMs: 10_000,
    });
    expect(() => timingFor(c, { suspectAfterMs: 2000 })).toThrow(/suspectAfterMs/);
    expect(() => timingFor(c, { bmcMaxAgeMs: 0 })).toThrow(/bmcMaxAgeMs/);
  });
});

describe('layout, incarnation and clock helpers', () => {
  test('the layout digest depends on the server and group lists and their order only', () => {
    const a = makeLayout(['s1', 's2'], ['g1', 'g2']);
    expect(a.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(makeLayout(['s1', 's2'], ['g1', 'g2']).digest).toBe(a.digest);
    expect(makeLayout(['s1', 's2'], ['g2', 'g1']).digest).not.toBe(a.digest);
    expect(makeLayout(['s1', 's2', 's3'], ['g1', 'g2']).digest).not.toBe(a.digest);
    expect(() =>
      makeLayout(
        Array.from({ length: 256 }, (_, i) => `s${i}`),
        []
      )
    ).toThrow(/at most 255/);
  });

  test('incarnations grow with the start time and fit 64 bits', () => {
    const a = newIncarnation(1_700_000_000_000);
    const b = newIncarnation(1_700_000_000_001);
    expect(b).toBeGreaterThan(a);
    expect(newIncarnation()).toBeLessThan(1n << 64n);
  });

  test('wall <-> monotonic conversions are inverse', () => {
    expect(toWallTime(fromWallTime(1_700_000_000_000, 5000, 1_700_000_001_000), 5000, 1_700_000_001_000)).toBe(
      1_700_000_000_000
    );
    expect(fromWallTime(1_700_000_000_000, 5000, 1_700_000_001_000)).toBe(4000);
  });
});
