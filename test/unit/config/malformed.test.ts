import { formatProblem, validateConfig, validateConfigText } from '../../../backend/config/model';
import { maxConfig } from '../../support/max-config';

type Cfg = Record<string, any>;

/** A small valid cluster; every case below breaks one thing in a fresh copy of it. */
function base(): Cfg {
  return {
    cluster: { name: 'c1', secret: { env: 'SECRET' } },
    servers: [
      {
        name: 'server1',
        api: { address: '127.0.0.1' },
        bmc: { address: '127.0.1.1', user: 'admin', password: { file: '/p1' } },
      },
      {
        name: 'server2',
        api: { address: '127.0.0.2' },
        bmc: { address: '127.0.1.2', user: 'admin', password: { file: '/p2' } },
      },
    ],
    interconnects: [
      { type: 'lan', addresses: { server1: '127.0.0.1', server2: '127.0.0.2' } },
      { type: 'bmc', addresses: { server1: '127.0.1.1', server2: '127.0.1.2' } },
    ],
    groups: [
      {
        name: 'failover1',
        resources: [
          { name: 'vip', type: 'floating-ip', address: '127.0.3.1', interface: 'lo' },
          { name: 'app', type: 'exec', start: 'true', stop: 'true', dependsOn: ['vip'] },
        ],
      },
    ],
    monitors: [
      { name: 'userw', type: 'user-mode' },
      {
        name: 'mrw1',
        type: 'message-receive',
        category: 'BMCNOTICE',
        keyword: '127.0.0.1:10162',
        perServer: { server2: { keyword: '127.0.0.2:10162' } },
        recovery: { targetType: 'group', target: 'failover1' },
      },
    ],
  };
}

const cases: Array<[string, (c: Cfg) => void, string]> = [
  ['missing cluster name', (c) => delete c.cluster.name, 'cluster.name: is required'],
  [
    'bad cluster name',
    (c) => (c.cluster.name = 'my cluster'),
    'cluster.name: must be 1-63 characters of letters, digits, "_", "-" or ".", starting with a letter or digit',
  ],
  [
    'inline secret',
    (c) => (c.cluster.secret = { value: 'hunter2' }),
    'cluster.secret.value: unknown field "value" (secrets are never written inline: use {file: PATH} or {env: NAME})',
  ],
  [
    'secret with both file and env',
    (c) => (c.cluster.secret = { file: '/s', env: 'S' }),
    'cluster.secret: give exactly one of "file", "env" or "credential" (secrets are never written inline)',
  ],
  [
    'a token named like the peer principal',
    (c) => (c.api = { tokens: [{ name: 'Peer', role: 'viewer', sha256: 'a'.repeat(64) }] }),
    'api.tokens[0].name: "Peer" is reserved for the agents of the cluster (the peer token); give the token another name',
  ],
  [
    'bad credential name',
    (c) => (c.cluster.secret = { credential: '../etc/shadow' }),
    'cluster.secret.credential: must be a systemd credential name (letters, digits, "_", "-", ".")',
  ],
  [
    'bad env var name',
    (c) => (c.cluster.secret = { env: '1BAD' }),
    'cluster.secret.env: must be an environment variable name',
  ],
  [
    'heartbeat timeout too short',
    (c) => (c.cluster.heartbeat = { intervalMs: 1000, timeoutMs: 1500 }),
    'cluster.heartbeat.timeoutMs: timeoutMs must be at least twice intervalMs, or a single lost packet marks a path down',
  ],
  [
    'heartbeat interval out of range',
    (c) => (c.cluster.heartbeat = { intervalMs: 10 }),
    'cluster.heartbeat.intervalMs: 10 ms is out of range 50-60000 ms',
  ],
  [
    'interval not an integer',
    (c) => (c.cluster.heartbeat = { intervalMs: 'fast' }),
    'cluster.heartbeat.intervalMs: must be a whole number of milliseconds',
  ],
  ['unknown top-level field', (c) => (c.nodes = []), 'nodes: unknown field "nodes"'],
  ['no servers', (c) => (c.servers = []), 'servers: list at least one server'],
  [
    'duplicate server name',
    (c) => (c.servers[1].name = 'server1'),
    'servers[1].name: "server1" is already used by servers[0]',
  ],
  [
    'api port out of range',
    (c) => (c.servers[0].api.port = 70000),
    'servers[0].api.port: port 70000 is out of range 1-65535',
  ],
  [
    'bad api host',
    (c) => (c.servers[1].api.address = 'not a host!'),
    'servers[1].api.address: "not a host!" is not an IP address or host name',
  ],
  [
    'bmc user too long',
    (c) => (c.servers[0].bmc.user = 'a'.repeat(17)),
    'servers[0].bmc.user: is longer than 16 characters',
  ],
  [
    'bmc cipher suite out of range',
    (c) => (c.servers[0].bmc.cipherSuite = 18),
    'servers[0].bmc.cipherSuite: 18 is out of range 0-17',
  ],
  [
    'bmc interconnect without bmc',
    (c) => delete c.servers[1].bmc,
    'servers[1].bmc: is required: interconnects[1] is a bmc interconnect',
  ],
  [
    'interconnect misses a server',
    (c) => delete c.interconnects[0].addresses.server2,
    'interconnects[0].addresses: no address for server "server2" (every interconnect must cover every server)',
  ],
  [
    'interconnect names unknown server',
    (c) => (c.interconnects[0].addresses.server9 = '127.0.0.9'),
    'interconnects[0].addresses.server9: no server is named "server9"',
  ],
  [
    'interconnect address not an IP',
    (c) => (c.interconnects[0].addresses.server2 = '127.0.0.300'),
    'interconnects[0].addresses.server2: "127.0.0.300" is not an IPv4 or IPv6 address',
  ],
  [
    'interconnect address reused',
    (c) => (c.interconnects[0].addresses.server2 = '127.0.0.1'),
    'interconnects[0].addresses.server2: address 127.0.0.1 is also given to server "server1" on this interconnect',
  ],
  ['bad interconnect type', (c) => (c.interconnects[0].type = 'disk'), 'interconnects[0].type: must be "lan" or "bmc"'],
  [
    'no lan interconnect',
    (c) => c.interconnects.shift(),
    'interconnects: at least one lan interconnect must reach every server (a BMC route alone cannot carry heartbeats)',
  ],
  [
    'bad fencing action',
    (c) => (c.fencing = { action: 'shoot' }),
    'fencing.action: must be one of none, bmc-power-off, bmc-reset, bmc-power-cycle',
  ],
  [
    'fencing without bmc',
    (c) => {
      c.interconnects.pop();
      c.fencing = { action: 'bmc-reset' };
      delete c.servers[0].bmc;
    },
    'servers[0].bmc: is required: fencing.action is bmc-reset',
  ],
  [
    'witness URL not http',
    (c) => (c.partition = { witness: { url: 'ftp://w' } }),
    'partition.witness.url: must be an http:// or https:// URL',
  ],
  [
    'empty ping targets',
    (c) => (c.partition = { ping: { targets: [] } }),
    'partition.ping.targets: list at least one ping target',
  ],
  [
    'duplicate group',
    (c) => c.groups.push({ name: 'failover1' }),
    'groups[1].name: "failover1" is already used by groups[0]',
  ],
  [
    'unknown startup server',
    (c) => (c.groups[0].startupServers = ['server1', 'server3']),
    'groups[0].startupServers[1]: no server is named "server3"',
  ],
  [
    'startup server twice',
    (c) => (c.groups[0].startupServers = ['server1', 'server1']),
    'groups[0].startupServers[1]: server "server1" is listed twice',
  ],
  [
    'unknown resource type',
    (c) => (c.groups[0].resources[0].type = 'disk'),
    'groups[0].resources[0].type: must be "exec" or "floating-ip"',
  ],
  ['exec without stop', (c) => delete c.groups[0].resources[1].stop, 'groups[0].resources[1].stop: is required'],
  [
    'dependency on unknown resource',
    (c) => (c.groups[0].resources[1].dependsOn = ['db']),
    'groups[0].resources[1].dependsOn[0]: no resource "db" in group "failover1"',
  ],
  [
    'self dependency',
    (c) => (c.groups[0].resources[1].dependsOn = ['app']),
    'groups[0].resources[1].dependsOn[0]: resource "app" cannot depend on itself',
  ],
  [
    'dependency cycle',
    (c) => (c.groups[0].resources[0].dependsOn = ['app']),
    'groups[0].resources[0].dependsOn: dependency cycle vip -> app -> vip',
  ],
  [
    'resource name used twice in the cluster',
    (c) => c.groups.push({ name: 'g2', resources: [{ name: 'app', type: 'exec', start: 'a', stop: 'b' }] }),
    'groups[1].resources[0].name: "app" is already used by groups[0].resources[1] (resource names are unique in the cluster)',
  ],
  [
    'bad env name in exec',
    (c) => (c.groups[0].resources[1].env = { 'BAD-NAME': 'x' }),
    'groups[0].resources[1].env.BAD-NAME: must be an environment variable name',
  ],
  [
    'floating ip prefix',
    (c) => (c.groups[0].resources[0].prefix = 129),
    'groups[0].resources[0].prefix: 129 is out of range 0-128',
  ],
  [
    'duplicate monitor',
    (c) => (c.monitors[1].name = 'userw'),
    'monitors[1].name: "userw" is already used by monitors[0]',
  ],
  [
    'unknown monitor type',
    (c) => (c.monitors[0].type = 'disk-watch'),
    'monitors[0].type: must be "user-mode" or "message-receive"',
  ],
  [
    'recovery target unknown group',
    (c) => (c.monitors[1].recovery.target = 'failover9'),
    'monitors[1].recovery.target: no group is named "failover9"',
  ],
  [
    'recovery target missing',
    (c) => delete c.monitors[1].recovery.target,
    'monitors[1].recovery.target: is required when targetType is group',
  ],
  [
    'recovery target unknown resource',
    (c) => (c.monitors[1].recovery = { targetType: 'resource', target: 'db' }),
    'monitors[1].recovery.target: no resource is named "db"',
  ],
  [
    'bad final action',
    (c) => (c.monitors[0].recovery = { finalAction: 'panic' }),
    'monitors[0].recovery.finalAction: must be one of none, stop-group, stop-cluster-service, shutdown, reboot, bmc-reset, bmc-power-off, bmc-power-cycle, bmc-nmi',
  ],
  [
    'timing on unknown resource',
    (c) => (c.monitors[0].timing = { mode: 'active', resource: 'db' }),
    'monitors[0].timing.resource: no resource is named "db"',
  ],
  [
    'monitor on unknown server',
    (c) => (c.monitors[0].servers = ['server7']),
    'monitors[0].servers[0]: no server is named "server7"',
  ],
  [
    'category too long',
    (c) => (c.monitors[1].category = 'X'.repeat(33)),
    'monitors[1].category: is 33 bytes; the limit is 32',
  ],
  [
    'keyword too long',
    (c) => ((c.monitors[1].category = 'APP'), (c.monitors[1].keyword = 'é'.repeat(512))),
    'monitors[1].keyword: is 1024 bytes; the limit is 1023',
  ],
  [
    'per-server keyword port out of range',
    (c) => (c.monitors[1].perServer.server2.keyword = '127.0.0.2:70000'),
    'monitors[1].perServer.server2.keyword: port 70000 is out of range 1-65535',
  ],
  [
    'keyword not an address',
    (c) => (c.monitors[1].keyword = 'bmc-gw'),
    'monitors[1].keyword: "bmc-gw" is not an IP address, expected <IPv4|IPv6>[:port]',
  ],
  [
    'IPv6 keyword with unclosed bracket',
    (c) => (c.monitors[1].keyword = '[fe80::1:162'),
    'monitors[1].keyword: "[fe80::1:162" has "[" without "]"',
  ],
  [
    'IPv6 keyword with port',
    (c) => (c.monitors[1].perServer.server2.keyword = '[fe80::2]:99999'),
    'monitors[1].perServer.server2.keyword: port 99999 is out of range 1-65535',
  ],
  [
    'per-server keyword for unknown server',
    (c) => (c.monitors[1].perServer.server3 = { keyword: '127.0.0.3' }),
    'monitors[1].perServer.server3: no server is named "server3"',
  ],
  [
    'keywords not unique per server',
    (c) => (c.monitors[1].perServer.server2.keyword = '127.0.0.1:10162'),
    'monitors[1].perServer.server2.keyword: servers "server1" and "server2" would both receive traps on 127.0.0.1:10162; keywords must be unique per server',
  ],
  [
    'BMCNOTICE without keyword',
    (c) => (delete c.monitors[1].keyword, (c.monitors[1].perServer = {})),
    'monitors[1].keyword: is required for category BMCNOTICE: server "server1" has no per-server keyword',
  ],
  [
    'one server, two trap ports',
    (c) =>
      c.monitors.push({
        name: 'mrw2',
        type: 'message-receive',
        category: 'BMCNOTICE',
        keyword: '127.0.0.1:10163',
        servers: ['server1'],
      }),
    'monitors[2].keyword: server "server1" receives traps on port 10162 (monitors[1]); one server uses one port for all its BMCNOTICE monitors',
  ],
  [
    'too many servers',
    (c) => (c.servers = Array.from({ length: 33 }, (_, i) => ({ name: `s${i}`, api: { address: `10.0.0.${i + 1}` } }))),
    'servers: 33 servers; the limit is 32',
  ],
  ['wrong type for a list', (c) => (c.groups = { name: 'g' }), 'groups: must be a list, not a mapping'],
  [
    'boolean as text',
    (c) => (c.groups[0].autoStart = 'yes'),
    'groups[0].autoStart: must be true or false, not the text "yes"',
  ],
];

describe('malformed configurations are rejected with the exact path and message', () => {
  test(`there are at least 30 distinct cases (${cases.length})`, () => {
    expect(new Set(cases.map((c) => c[2])).size).toBeGreaterThanOrEqual(30);
  });

  test('the base configuration is valid', () => {
    expect(validateConfig(base())).toMatchObject({ ok: true });
  });

  test.each(cases)('%s', (_name, mutate, expected) => {
    const config = base();
    mutate(config);
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map(formatProblem)).toContain(expected);
    }
  });
});

describe('every problem is reported at once', () => {
  test('three independent errors give three problems', () => {
    const c = base();
    c.servers[0].api.port = 0;
    c.cluster.name = '';
    c.monitors[0].intervalMs = -1;
    const result = validateConfig(c);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map(formatProblem).sort()).toEqual([
        'cluster.name: must be 1-63 characters of letters, digits, "_", "-" or ".", starting with a letter or digit',
        'monitors[0].intervalMs: -1 ms is out of range 100-3600000 ms',
        'servers[0].api.port: port 0 is out of range 1-65535',
      ]);
    }
  });
});

/** "Billion laughs": each level lists the previous one ten times, 10^levels values in all. */
function aliasBomb(levels: number): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++) {
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`
    );
  }
  return lines.join('\n') + '\n';
}

describe('text input', () => {
  test.each([
    ['YAML syntax error', 'cluster: [unclosed', /^\(top level\): syntax error at line 1, column \d+: /],
    [
      'duplicate YAML key',
      'cluster: {}\ncluster: {}\n',
      /^\(top level\): syntax error at line 2, column 1: duplicated mapping key$/,
    ],
    ['empty file', '', /^\(top level\): the file is empty$/],
    [
      'alias bomb',
      aliasBomb(7),
      /^\(top level\): the document expands to more than 1000000 values \(aliases nested too deep\)$/,
    ],
    ['comment-only file', '# nothing here\n', /^\(top level\): the file is empty$/],
    ['not a mapping', '- a\n- b\n', /^\(top level\): must be a mapping, not a list$/],
  ])('%s', (_name, text, expected) => {
    const result = validateConfigText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(formatProblem(result.problems[0])).toMatch(expected);
    }
  });

  test('JSON is accepted like YAML', () => {
    expect(validateConfigText(JSON.stringify(base()))).toMatchObject({ ok: true });
  });

  test('a maximum-size configuration is valid; one more monitor is not', () => {
    expect(validateConfig(maxConfig())).toMatchObject({ ok: true });
    const over = maxConfig({ monitors: 513 });
    const result = validateConfig(over);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map(formatProblem)).toContain('monitors: 513 monitors; the limit is 512');
    }
  });
});
