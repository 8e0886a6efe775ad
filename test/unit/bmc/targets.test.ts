// From the cluster configuration to BMC peers, and password references to resolved targets.
import fs from 'node:fs';
import path from 'node:path';
import { validateConfigText, type ClusterConfig } from '../../../backend/config/model';
import { bmcPeersFromConfig, resolveIpmiTarget, resolveIpmiTargets } from '../../../backend/bmc/targets';
import { tempDir } from '../../support/isolation';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

function load(file: string): ClusterConfig {
  const r = validateConfigText(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

describe('bmcPeersFromConfig', () => {
  test('the loopback demo: server1 watches server2 through the bmc interconnect', () => {
    expect(bmcPeersFromConfig(load('loopback-demo.yaml'), 'server1')).toEqual([
      {
        server: 'server2',
        ping: { address: '127.0.1.2', port: 9623 },
        ipmi: {
          address: '127.0.1.2',
          port: 9623,
          user: 'admin',
          password: { env: 'LIFELINE_BMC_PASSWORD' },
          cipherSuite: 3,
        },
      },
    ]);
  });

  test('the seed cluster: defaults (port 623, cipher suite 3), seen from server2', () => {
    const peers = bmcPeersFromConfig(load('seed-cluster.yaml'), 'server2');
    expect(peers.map((p) => [p.server, p.ping, p.ipmi.port, p.ipmi.cipherSuite])).toEqual([
      ['server1', { address: '192.168.0.11', port: 623 }, 623, 3],
    ]);
  });

  test('an interconnect port and address override where pings go; no bmc route means the BMC address', () => {
    const config = load('loopback-demo.yaml');
    const routed: ClusterConfig = {
      ...config,
      interconnects: config.interconnects.map((ic) =>
        ic.type === 'bmc' ? { ...ic, port: 10623, addresses: { ...ic.addresses, server2: '127.0.3.2' } } : ic
      ),
    };
    expect(bmcPeersFromConfig(routed, 'server1')[0].ping).toEqual({ address: '127.0.3.2', port: 10623 });
    const unrouted: ClusterConfig = {
      ...config,
      interconnects: config.interconnects.filter((ic) => ic.type !== 'bmc'),
    };
    expect(bmcPeersFromConfig(unrouted, 'server1')[0].ping).toEqual({ address: '127.0.1.2', port: 9623 });
  });

  test('servers without a BMC are skipped', () => {
    const config = load('loopback-demo.yaml');
    const noBmc: ClusterConfig = { ...config, servers: config.servers.map((s) => ({ ...s, bmc: undefined })) };
    expect(bmcPeersFromConfig(noBmc, 'server1')).toEqual([]);
  });
});

describe('resolveIpmiTarget', () => {
  const peer = bmcPeersFromConfig(load('loopback-demo.yaml'), 'server1')[0];

  test('reads the password through backend/config/secrets.ts (file, trailing newline dropped)', () => {
    const dir = tempDir('lifeline-bmc-secret-');
    try {
      const file = path.join(dir, 'bmc.password');
      fs.writeFileSync(file, 'open-sesame\n');
      const target = resolveIpmiTarget({ ...peer, ipmi: { ...peer.ipmi, password: { file } } });
      expect(target.password.reveal()).toBe('open-sesame');
      expect(`${JSON.stringify(target)} ${String(target.password)}`).not.toContain('open-sesame');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('errors name the server and the reference, never the value', () => {
    const dir = tempDir('lifeline-bmc-secret-');
    try {
      const empty = path.join(dir, 'empty');
      fs.writeFileSync(empty, '');
      expect(() => resolveIpmiTarget({ ...peer, ipmi: { ...peer.ipmi, password: { file: empty } } })).toThrow(
        `server "server2": BMC password (file ${empty}): secret file ${empty} is empty`
      );
      const read = () => {
        throw new Error('environment variable LIFELINE_BMC_PASSWORD is not set');
      };
      expect(() => resolveIpmiTargets([peer, { ...peer, server: 'server3' }], read)).toThrow(
        'cannot read BMC credentials: server "server2": BMC password (env LIFELINE_BMC_PASSWORD): environment variable LIFELINE_BMC_PASSWORD is not set; server "server3": BMC password (env LIFELINE_BMC_PASSWORD): environment variable LIFELINE_BMC_PASSWORD is not set'
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
