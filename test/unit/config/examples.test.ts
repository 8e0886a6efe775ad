import fs from 'node:fs';
import path from 'node:path';
import { trapEndpoint, validateConfigText, type ClusterConfig } from '../../../backend/config/model';
import { EXAMPLES } from '../../support/paths';

function load(name: string): ClusterConfig {
  const result = validateConfigText(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));
  if (!result.ok) {
    throw new Error(`${name}: ${JSON.stringify(result.problems)}`);
  }
  return result.config;
}

describe('examples', () => {
  test('seed-cluster.yaml is the seed sample cluster (table 2.1)', () => {
    const c = load('seed-cluster.yaml');
    expect(c.cluster.name).toBe('cluster');
    expect(c.servers.map((s) => [s.name, s.bmc?.address])).toEqual([
      ['server1', '192.168.0.11'],
      ['server2', '192.168.0.12'],
    ]);
    expect(c.interconnects.map((i) => [i.type, i.addresses])).toEqual([
      ['lan', { server1: '192.168.0.1', server2: '192.168.0.2' }],
      ['lan', { server1: '10.0.0.1', server2: '10.0.0.2' }],
      ['bmc', { server1: '192.168.0.11', server2: '192.168.0.12' }],
    ]);
    expect(c.groups.map((g) => [g.name, g.startupServers])).toEqual([['failover1', undefined]]);
    expect(c.monitors.map((m) => [m.name, m.type])).toEqual([
      ['userw', 'user-mode'],
      ['mrw1', 'message-receive'],
    ]);
    const mrw = c.monitors[1];
    if (mrw.type !== 'message-receive') {
      throw new Error('mrw1 must be a message-receive monitor');
    }
    expect(mrw.category).toBe('BMCNOTICE');
    expect(mrw.keyword).toBe('192.168.0.1');
    expect(trapEndpoint(mrw, 'server1')).toEqual({ address: '192.168.0.1', port: 162 });
    expect(trapEndpoint(mrw, 'server2')).toEqual({ address: '192.168.0.2', port: 162 });
    expect(mrw.recovery).toMatchObject({ targetType: 'group', target: 'failover1', failoverThreshold: 1 });
  });

  test('loopback-demo.yaml runs on loopback addresses and unprivileged ports', () => {
    const c = load('loopback-demo.yaml');
    const addresses = [
      ...c.servers.flatMap((s) => [s.api.address, s.bmc?.address ?? '']),
      ...c.interconnects.flatMap((i) => Object.values(i.addresses)),
    ];
    expect(addresses.every((a) => a.startsWith('127.'))).toBe(true);
    expect(c.servers.every((s) => s.api.port >= 1024 && (s.bmc?.port ?? 1024) >= 1024)).toBe(true);
    const mrw = c.monitors.find((m) => m.type === 'message-receive');
    if (mrw?.type !== 'message-receive') {
      throw new Error('the demo needs a message-receive monitor');
    }
    expect(trapEndpoint(mrw, 'server1')).toEqual({ address: '127.0.0.1', port: 10162 });
    expect(trapEndpoint(mrw, 'server2')).toEqual({ address: '127.0.0.2', port: 10162 });
  });
});
