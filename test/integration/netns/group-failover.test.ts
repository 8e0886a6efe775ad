/**
 * A failover group with a floating IP, moved by real agents between hosts in network
 * namespaces. Three hosts on two networks (test/support/netns.ts): network 1 (eth1) carries
 * the floating address and a LAN heartbeat, network 2 (eth2) a second LAN heartbeat. The
 * agents of server1 and server2 run inside host1 and host2 with their API on their network 1
 * address; host3 runs no agent and plays the client. Group `web`: a floating-ip resource
 * 10.231.1.100/24 on eth1 and an exec resource that depends on it (listed first, so only
 * the dependency puts it second). The exec scripts append to a journal whether the address
 * was on the host when they ran: that is the dependency order, checked where it happens.
 *
 *   agents start          -> web starts by itself on server1: address on host1, host3 reaches
 *                            it at host1's MAC
 *   `lifeline group move` -> address gone from host1, on host2; host3's neighbour entry shows
 *                            host2's MAC before host3 sends anything (gratuitous ARP)
 *   server2's agent gets SIGTERM -> it stops web before exiting: the address leaves host2,
 *                            and server1 sees web offline (released), not unreachable
 *
 * Every CLI call and every packet to a lab address comes from inside a namespace; nothing
 * is sent from the root namespace. Reachability is a TCP connection to a closed port (the
 * holder answers with a reset), as in floating-ip.test.ts.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import type { ClusterStatus } from '../../../backend/agent/status';
import { createToken } from '../../../backend/api/tokens';
import type { Outcome } from '../../../backend/groups/operations';
import type { GroupView } from '../../../backend/groups/view';
import { eventually } from '../../support/agent';
import { createLab, type CommandResult, type NetnsLab } from '../../support/netns';
import {
  addresses as addressesOf,
  agentLog,
  inHost as inHostOf,
  jsonOf,
  lifelineIn,
  logTails,
  mac as macOf,
  neighbour as neighbourOf,
  reach as reachOf,
  spawnAgentIn,
  waitListening,
} from '../../support/netns-agents';
import { tempDir } from '../../support/isolation';

const VIP = '10.231.1.100';
const CIDR = `${VIP}/24`;
/** The interface netns.ts gives each host on network 1. */
const IFACE = 'eth1';
const API_PORT = 29411;
const LAN_PORTS = [29412, 29413];
const SERVERS = ['server1', 'server2'];
const CLIENT = 3;

let lab: NetnsLab;
const dir = tempDir('lifeline-netns-groups-');
const journal = path.join(dir, 'journal');
const tokenFile = path.join(dir, 'operator.token');
const operator = createToken('netns-operator', 'operator');
const agents: Record<string, ChildProcess> = {};
const logFile = (server: string) => agentLog(dir, server);

// Written by the exec resource: who ran what, and whether the floating address was on eth1 then.
const vipHere = `if ip -o -4 addr show dev ${IFACE} | grep -qF " ${CIDR} "; then v=yes; else v=no; fi`;

function config(l: NetnsLab) {
  const on = (net: number) => Object.fromEntries(SERVERS.map((s, i) => [s, l.address(i + 1, net)]));
  return {
    cluster: {
      name: 'netns-groups',
      heartbeat: { intervalMs: 200, timeoutMs: 1000 },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: SERVERS.map((name, i) => ({ name, api: { address: l.address(i + 1, 1), port: API_PORT } })),
    interconnects: LAN_PORTS.map((port, k) => ({ type: 'lan', port, addresses: on(k + 1) })),
    groups: [
      {
        name: 'web',
        startupServers: SERVERS,
        resources: [
          {
            name: 'app',
            type: 'exec',
            dependsOn: ['vip'],
            // Like a service binding the floating address: its start fails without it.
            start: `${vipHere}; echo "$LIFELINE_SERVER start $LIFELINE_EVENT from=\${LIFELINE_FROM:-none} vip=$v" >> "${journal}"; [ "$v" = yes ]`,
            stop: `${vipHere}; echo "$LIFELINE_SERVER stop $LIFELINE_EVENT vip=$v" >> "${journal}"`,
            env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' },
            timeoutMs: 5000,
          },
          { name: 'vip', type: 'floating-ip', address: VIP, prefix: 24, interface: IFACE },
        ],
      },
    ],
  };
}

const hostOf = (server: string) => SERVERS.indexOf(server) + 1;
const apiUrl = (server: string) => `http://${lab.address(hostOf(server), 1)}:${API_PORT}`;

const inHost = (host: number, argv: string[]) => inHostOf(lab, host, argv);

/** `lifeline <args>` run inside host `host`'s namespace against `server`'s agent. */
const cli = (host: number, server: string, args: string[]): CommandResult =>
  lifelineIn(lab, host, { url: apiUrl(server), tokenFile }, args, 40_000);

/** web as `server`'s agent sees it, asked from inside `host`. */
const web = (host: number, server: string) =>
  jsonOf<{ groups: GroupView[] }>(cli(host, server, ['group', 'list', '--json']), 'group list').groups.find(
    (g) => g.name === 'web'
  )!;

const addresses = (host: number) => addressesOf(lab, host, IFACE);
const mac = (host: number) => macOf(lab, host, IFACE);
const neighbour = (host: number, address: string) => neighbourOf(lab, host, address, IFACE);
const reach = (host: number, address: string) => reachOf(lab, host, address);

const journalLines = () => (fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8').trim().split('\n') : []);

/** The agent's log lines for one resource action (pino JSON). */
function resourceLogs(server: string, resource: string, action: 'start' | 'stop') {
  return fs
    .readFileSync(logFile(server), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { resource?: string; action?: string; ok?: boolean; durationMs?: number })
    .filter((l) => l.resource === resource && l.action === action);
}

/** Polls `check` (which may throw while the condition does not hold yet), with the agents' logs on timeout. */
const until = <T>(what: string, check: () => T | undefined, ms: number) =>
  eventually(check, ms, what, { intervalMs: 100, diagnostics: () => logTails(dir, SERVERS) });

let spawnedAt = 0;

beforeAll(async () => {
  lab = createLab(3, 2);
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), dump(config(lab)));
  fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([operator.entry]), { mode: 0o600 });
  fs.writeFileSync(tokenFile, operator.token, { mode: 0o600 });
  spawnedAt = Date.now();
  for (const s of SERVERS) {
    agents[s] = spawnAgentIn(lab, hostOf(s), dir, s, 'netns-groups-secret');
  }
  await waitListening(SERVERS.map(logFile));
}, 30_000);

afterAll(async () => {
  await lab?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a group with a floating IP, moved by agents in network namespaces', () => {
  test('web starts by itself on server1: the address is on host1 eth1, and host3 reaches it at host1 MAC', async () => {
    await until(
      'both agents see web online on server1',
      () =>
        SERVERS.every((s) => {
          const g = web(CLIENT, s);
          return g.state === 'online' && g.currentServer === 'server1';
        }) || undefined,
      15_000
    );
    const onlineAt = Date.now();
    expect(addresses(1)).toContain(CIDR);
    expect(addresses(2)).not.toContain(CIDR);
    expect(web(CLIENT, 'server1').resources.map((r) => [r.name, r.state])).toEqual([
      ['app', 'online'],
      ['vip', 'online'],
    ]);
    expect(journalLines()).toEqual(['server1 start START from=none vip=yes']);

    expect(reach(CLIENT, VIP)).toBe('ECONNREFUSED');
    expect(neighbour(CLIENT, VIP)).toBe(mac(1));

    const [vip] = resourceLogs('server1', 'vip', 'start');
    const [app] = resourceLogs('server1', 'app', 'start');
    process.stdout.write(
      `[group-failover] automatic start on server1: floating-ip ${vip.durationMs} ms, exec ${app.durationMs} ms; ` +
        `agents spawned -> seen online in ${onlineAt - spawnedAt} ms\n`
    );
  });

  test('lifeline group move (from host3): the address leaves host1 for host2, and host3 follows at once', () => {
    expect(neighbour(CLIENT, VIP)).toBe(mac(1));
    const t0 = performance.now();
    const r = cli(CLIENT, 'server1', ['group', 'move', 'web', '--json']);
    const moveMs = Math.round(performance.now() - t0);
    const outcome = jsonOf<Outcome & { done: boolean }>(r, 'group move');
    expect(r.stderr).toBe('');
    expect(outcome).toMatchObject({ done: true, ok: true, server: 'server2' });
    expect(outcome.steps.map((s) => [s.action, s.server, s.ok])).toEqual([
      ['stop', 'server1', true],
      ['start', 'server2', true],
    ]);

    // Before host3 sends anything to the address: only the gratuitous ARP can have done this.
    expect(neighbour(CLIENT, VIP)).toBe(mac(2));
    expect(addresses(1)).not.toContain(CIDR);
    expect(addresses(2)).toContain(CIDR);
    expect(reach(CLIENT, VIP)).toBe('ECONNREFUSED');
    expect(neighbour(CLIENT, VIP)).toBe(mac(2));
    // The exec resource stopped while the address was still there, and started once it was back.
    expect(journalLines()).toEqual([
      'server1 start START from=none vip=yes',
      'server1 stop MOVE vip=yes',
      'server2 start MOVE from=server1 vip=yes',
    ]);

    const [vip] = resourceLogs('server2', 'vip', 'start');
    process.stdout.write(
      `[group-failover] move server1 -> server2 (CLI in host3, wall clock): ${moveMs} ms; ` +
        `floating-ip start on server2 ${vip.durationMs} ms\n`
    );
  });

  test('SIGTERM to the agent on host2: web moves back to server1 before the agent exits, and host3 follows the address', async () => {
    await until(
      'server1 sees web on server2',
      () => (web(1, 'server1').currentServer === 'server2' ? true : undefined),
      5000
    );
    const agent = agents.server2;
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      agent.once('exit', (code, sig) => resolve([code, sig]))
    );
    process.kill(agent.pid!, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      exited,
      new Promise<'still running'>((r) => (timer = setTimeout(() => r('still running'), 30_000))),
    ]);
    clearTimeout(timer);
    expect(result).toEqual([0, null]);

    // A clean stop moves what it holds (maintenance): stopped on server2, then started on server1.
    expect(addresses(2)).not.toContain(CIDR);
    expect(addresses(1)).toContain(CIDR);
    expect(journalLines()).toEqual([
      'server1 start START from=none vip=yes',
      'server1 stop MOVE vip=yes',
      'server2 start MOVE from=server1 vip=yes',
      'server2 stop MOVE vip=yes',
      'server1 start MOVE from=server2 vip=yes',
    ]);
    expect(resourceLogs('server2', 'vip', 'stop').map((l) => l.ok)).toEqual([true]);
    expect(neighbour(CLIENT, VIP)).toBe(mac(1));

    // Once server2 is silent (it said it was leaving: not a partition), server1 runs web.
    await until(
      'server1 sees server2 down',
      () => {
        const s = jsonOf<ClusterStatus>(cli(1, 'server1', ['status', '--json']), 'status', [0, 6]);
        const peer = s.servers.find((x) => x.name === 'server2')!;
        return peer.state !== 'online' && peer.state !== 'suspect' ? true : undefined;
      },
      5000
    );
    expect(web(1, 'server1')).toMatchObject({ state: 'online', currentServer: 'server1', holders: ['server1'] });
    expect(reach(CLIENT, VIP)).toBe('ECONNREFUSED');
  });
});
