// A maximum-size cluster configuration (32 servers, 16 interconnects, 128 groups,
// 512 monitors), used by the tests and by bench/config-validate. Plain CommonJS so that
// both jest (TypeScript) and the bench scripts (plain Node) can load it.
'use strict';

function maxConfig({ servers = 32, interconnects = 16, groups = 128, monitors = 512 } = {}) {
  const names = Array.from({ length: servers }, (_, i) => `server${i + 1}`);
  const addr = (net, i) => `10.${net}.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}`;
  return {
    cluster: {
      name: 'max',
      heartbeat: { intervalMs: 1000, timeoutMs: 5000 },
      secret: { file: '/etc/lifeline/secret' },
    },
    servers: names.map((name, i) => ({
      name,
      api: { address: addr(0, i), port: 29010 },
      bmc: { address: addr(200, i), user: 'admin', password: { file: `/etc/lifeline/bmc-${name}.password` } },
    })),
    interconnects: Array.from({ length: interconnects }, (_, k) => ({
      type: k === interconnects - 1 ? 'bmc' : 'lan',
      addresses: Object.fromEntries(names.map((n, i) => [n, k === interconnects - 1 ? addr(200, i) : addr(k + 1, i)])),
    })),
    fencing: { action: 'bmc-power-off' },
    groups: Array.from({ length: groups }, (_, g) => ({
      name: `group${g + 1}`,
      startupServers: names
        .slice(g % servers)
        .concat(names.slice(0, g % servers))
        .slice(0, 4),
      resources: [
        {
          name: `vip${g + 1}`,
          type: 'floating-ip',
          address: `172.16.${Math.floor(g / 200)}.${(g % 200) + 1}`,
          prefix: 16,
          interface: 'eth0',
        },
        {
          name: `app${g + 1}`,
          type: 'exec',
          start: '/opt/app/start',
          stop: '/opt/app/stop',
          env: { APP: `a${g}` },
          dependsOn: [`vip${g + 1}`],
        },
      ],
    })),
    monitors: Array.from({ length: monitors }, (_, m) =>
      m % 2 === 0
        ? { name: `userw${m}`, type: 'user-mode', intervalMs: 5000 }
        : {
            name: `mrw${m}`,
            type: 'message-receive',
            category: 'BMCNOTICE',
            perServer: Object.fromEntries(names.map((n, i) => [n, { keyword: `${addr(100, i)}:162` }])),
            recovery: { targetType: 'group', target: `group${(m % groups) + 1}` },
          }
    ),
  };
}

module.exports = { maxConfig };
