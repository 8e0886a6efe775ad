/**
 * Partition resolution with three real agents in network namespaces (test/support/netns.ts).
 * Four hosts on three networks: networks 1 and 2 carry the LAN heartbeats (eth1, eth2) and
 * network 3 (eth3) plays the public network, where host4 (no agent) is the ping target, like
 * a default gateway. Agents server1..3 run on host1..3, with `partition.majority`, the ping
 * target 10.231.3.4, no fencing and the losing action stop-service. Groups g1, g2, g3 start on
 * server1, server2, server3 and fail over in a ring (g3: server3 then server1); their exec
 * resources keep a marker file per server (content: the event that started it) and append
 * every start and stop to a journal, so a double activation, even a brief one, shows.
 *
 *   all up                   -> each group on its first server, no partition event
 *   host3 cut off networks 1 and 2 (its links taken down inside host3; it still reaches the
 *   ping target)             -> host3, 1 of 3, loses: stops g3, refuses `group start`;
 *                               host1/host2, 2 of 3, win, but without fencing or watchdog
 *                               nothing proves server3 stopped g3: nobody starts it until an
 *                               admin runs `lifeline server confirm-down server3`; then
 *                               server1 takes g3 over (FAILOVER); events carry the ping evidence
 *   links back               -> host3 heals, starts nothing (no failback); `group move g3
 *                               --server server3` from host3 brings g3 home, and every agent
 *                               sees it there
 *   host3 cut off every network, the ping target too
 *                            -> host3 loses because no ping target answers; host1/host2 win
 *                               again and server1 takes g3 over again
 *
 * Every CLI call runs inside a namespace, host3's against its own agent from inside host3;
 * nothing is sent from the root namespace. Needs root (CI runs as root).
 */
import fs from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import type { ClusterStatus } from '../../../backend/agent/status';
import { createToken } from '../../../backend/api/tokens';
import type { StoredEvent } from '../../../backend/events/event-log';
import type { Outcome } from '../../../backend/groups/operations';
import type { GroupView } from '../../../backend/groups/view';
import { eventually } from '../../support/agent';
import { createLab, type CommandResult, type NetnsLab } from '../../support/netns';
import { agentLog, jsonOf, lifelineIn, logTails, spawnAgentIn, waitListening } from '../../support/netns-agents';
import { tempDir } from '../../support/isolation';

const SERVERS = ['server1', 'server2', 'server3'];
const API_PORT = 29421;
const LAN_PORTS = [29422, 29423];
/** The network with the ping target (host4), not an interconnect. */
const PUBLIC_NET = 3;
const TARGET_HOST = 4;

let lab: NetnsLab;
const dir = tempDir('lifeline-netns-partition-');
const markers = path.join(dir, 'markers');
const journal = path.join(dir, 'journal');
const tokenFile = path.join(dir, 'operator.token');
const operator = createToken('netns-operator', 'operator');
const admin = createToken('netns-admin', 'admin');
const adminTokenFile = path.join(dir, 'admin.token');
const logFile = (server: string) => agentLog(dir, server);
const hostOf = (server: string) => SERVERS.indexOf(server) + 1;

function config(l: NetnsLab) {
  const on = (net: number) => Object.fromEntries(SERVERS.map((s, i) => [s, l.address(i + 1, net)]));
  const group = (name: string, startupServers: string[]) => ({
    name,
    startupServers,
    resources: [
      {
        name: `${name}-app`,
        type: 'exec',
        start: `echo "$LIFELINE_SERVER start ${name} $LIFELINE_EVENT" >> "${journal}"; echo "$LIFELINE_EVENT" > "${markers}/${name}.$LIFELINE_SERVER"`,
        stop: `rm -f "${markers}/${name}.$LIFELINE_SERVER"; echo "$LIFELINE_SERVER stop ${name} $LIFELINE_EVENT" >> "${journal}"`,
        timeoutMs: 5000,
      },
    ],
  });
  return {
    cluster: {
      name: 'netns-partition',
      heartbeat: { intervalMs: 200, timeoutMs: 1000 },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: SERVERS.map((name, i) => ({ name, api: { address: l.address(i + 1, 1), port: API_PORT } })),
    interconnects: LAN_PORTS.map((port, k) => ({ type: 'lan', port, addresses: on(k + 1) })),
    groups: [
      group('g1', ['server1', 'server2']),
      group('g2', ['server2', 'server3']),
      group('g3', ['server3', 'server1']),
    ],
    partition: {
      majority: true,
      ping: { targets: [l.address(TARGET_HOST, PUBLIC_NET)], intervalMs: 1000, timeoutMs: 500 },
      action: 'stop-service',
    },
    fencing: { action: 'none' },
  };
}

const apiUrl = (server: string) => `http://${lab.address(hostOf(server), 1)}:${API_PORT}`;

/** `lifeline <args>` against `server`'s agent, run inside that server's own host. */
const cli = (server: string, args: string[]): CommandResult =>
  lifelineIn(lab, hostOf(server), { url: apiUrl(server), tokenFile }, args);

const adminCli = (server: string, args: string[]): CommandResult =>
  lifelineIn(lab, hostOf(server), { url: apiUrl(server), tokenFile: adminTokenFile }, args);

const groups = (server: string) =>
  jsonOf<{ groups: GroupView[] }>(cli(server, ['group', 'list', '--json']), `group list on ${server}`).groups;

const peerStates = (server: string) =>
  jsonOf<ClusterStatus>(cli(server, ['status', '--json']), `status on ${server}`, [0, 6])
    .servers.filter((s) => !s.self)
    .map((s) => s.state);

/** The agent's own events of one type, oldest first. */
function events(server: string, type: string): StoredEvent[] {
  const r = cli(server, ['events', '--type', type, '--limit', '100', '--json']);
  if (r.code !== 0) {
    throw new Error(`events on ${server} exited ${r.code}: ${r.stderr}`);
  }
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StoredEvent);
}
const partitionEvents = (server: string) => events(server, 'partition');

/** Where each group runs according to the marker files: group -> [server: start event]. */
function running(): Record<string, string[]> {
  const out: Record<string, string[]> = { g1: [], g2: [], g3: [] };
  for (const f of fs.readdirSync(markers).sort()) {
    const [group, server] = f.split('.');
    out[group].push(`${server}: ${fs.readFileSync(path.join(markers, f), 'utf8').trim()}`);
  }
  return out;
}

const journalLines = () => (fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8').trim().split('\n') : []);

/** Takes host `host`'s links on `nets` down (or up), inside its namespace: the bridges stay up for the others. */
function setLinks(host: number, nets: number[], up: boolean) {
  for (const net of nets) {
    const r = lab.exec(lab.host(host), ['ip', 'link', 'set', `eth${net}`, up ? 'up' : 'down']);
    if (r.code !== 0) {
      throw new Error(`eth${net} ${up ? 'up' : 'down'} in host${host} exited ${r.code}: ${r.stderr}`);
    }
  }
}

/** Polls `check` (which may throw while the condition does not hold yet), with markers, journal and logs on timeout. */
const until = <T>(what: string, check: () => T | undefined, ms: number) =>
  eventually(check, ms, what, {
    intervalMs: 100,
    diagnostics: () =>
      `markers ${JSON.stringify(running())}\njournal ${JSON.stringify(journalLines())}\n${logTails(dir, SERVERS, 25)}`,
  });

const target = () => lab.address(TARGET_HOST, PUBLIC_NET);
const win = (evidence: string) => [
  `partition resolution: win; server3 silent: this side has a majority (2 of 3 servers) (${evidence})`,
  'server3 is silent and nothing can prove it stopped (no fencing, no watchdog): its groups stay where they are until it is heard again or an operator confirms it down (lifeline server confirm-down server3)',
];
const confirmed = 'server3 confirmed down by an operator: its groups may start elsewhere';

/** g3 is stopped on server3 and, without proof, started nowhere; then an admin confirms server3 down. */
async function confirmServer3Down() {
  await until('g3 stopped on server3', () => (running().g3.length === 0 ? true : undefined), 15_000);
  for (const s of ['server1', 'server2']) {
    await until(`${s}: verdict on server3`, () => (partitionEvents(s).length >= 1 ? true : undefined), 10_000);
  }
  await new Promise((r) => setTimeout(r, 3000)); // 15 placement rounds: still nowhere
  expect(running().g3).toEqual([]);
  const r = adminCli('server1', ['server', 'confirm-down', 'server3']);
  expect(r).toMatchObject({ code: 0, stdout: 'server3 confirmed down: its groups may start elsewhere\n' });
}

/** Milliseconds from `t0` to the first event of `server` at or after it matching `summary`. */
function after(t0: number, server: string, type: string, summary: (s: string) => boolean): number {
  const e = events(server, type).find((x) => x.time >= t0 && summary(x.summary));
  return e ? e.time - t0 : NaN;
}

function report(label: string, cutAt: number) {
  const verdict = (s: string) => s.startsWith('partition resolution:');
  const g3up = (s: string) => s.startsWith('group g3 on server1:') && s.includes('-> online');
  process.stdout.write(
    `[partition] ${label}: cut -> verdict on server3 ${after(cutAt, 'server3', 'partition', verdict)} ms, ` +
      `server1 ${after(cutAt, 'server1', 'partition', verdict)} ms, server2 ${after(cutAt, 'server2', 'partition', verdict)} ms; ` +
      `cut -> g3 online on server1 ${after(cutAt, 'server1', 'group', g3up)} ms\n`
  );
}

beforeAll(async () => {
  lab = createLab(4, 3);
  fs.mkdirSync(markers);
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), dump(config(lab)));
  fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([operator.entry, admin.entry]), { mode: 0o600 });
  fs.writeFileSync(tokenFile, operator.token, { mode: 0o600 });
  fs.writeFileSync(adminTokenFile, admin.token, { mode: 0o600 });
  for (const s of SERVERS) {
    spawnAgentIn(lab, hostOf(s), dir, s, 'netns-partition-secret');
  }
  await waitListening(SERVERS.map(logFile));
}, 30_000);

afterAll(async () => {
  await lab?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('partition resolution with three agents in network namespaces', () => {
  test('all up: each group on its first server, seen so by every agent, no partition event', async () => {
    await until(
      'g1, g2, g3 online on server1, server2, server3 in every view',
      () =>
        SERVERS.every((s) =>
          groups(s).every((g) => g.state === 'online' && g.currentServer === `server${g.name.slice(1)}`)
        ) || undefined,
      15_000
    );
    expect(running()).toEqual({ g1: ['server1: START'], g2: ['server2: START'], g3: ['server3: START'] });
    for (const s of SERVERS) {
      expect(partitionEvents(s)).toEqual([]);
    }
    // host3 reaches the ping target before the cut (a failing ping below is the cut's doing).
    expect(lab.exec(lab.host(3), ['ping', '-n', '-c', '1', '-W', '1', target()]).code).toBe(0);
  });

  test('host3 cut off both interconnects: it loses (minority) and stops g3; host1/host2 win; server1 takes g3 over once server3 is confirmed down', async () => {
    const cutAt = Date.now();
    setLinks(3, [1, 2], false);
    await confirmServer3Down();

    await until(
      'g3 stopped on server3 and running on server1',
      () => (running().g3.join() === 'server1: FAILOVER' ? true : undefined),
      15_000
    );
    await until(
      'a verdict on every server',
      () => SERVERS.every((s) => partitionEvents(s).length > 0) || undefined,
      10_000
    );
    // Reported with the ping evidence: host3 still reaches the target on the public network.
    expect(partitionEvents('server3').map((e) => e.summary)).toEqual([
      `partition resolution: lose; server1, server2 silent: this side is a minority (1 of 3 servers) (${target()} answered)`,
    ]);
    for (const s of ['server1', 'server2']) {
      await until(`${s}: server3 confirmed down`, () => (partitionEvents(s).length === 3 ? true : undefined), 5000);
      expect(partitionEvents(s).map((e) => e.summary)).toEqual([...win(`${target()} answered`), confirmed]);
    }
    expect(running()).toEqual({ g1: ['server1: START'], g2: ['server2: START'], g3: ['server1: FAILOVER'] });
    // No group ever ran twice, not even for a moment: each start and stop, in some order.
    expect(journalLines().sort()).toEqual(
      [
        'server1 start g1 START',
        'server2 start g2 START',
        'server3 start g3 START',
        'server3 stop g3 STOP',
        'server1 start g3 FAILOVER',
      ].sort()
    );

    // The losing side starts nothing, asked from inside host3.
    const r = cli('server3', ['group', 'start', 'g3', '--server', 'server3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('this server lost the partition resolution');
    expect(running().g3).toEqual(['server1: FAILOVER']);
    // The winners see g3 on server1.
    for (const s of ['server1', 'server2']) {
      expect(groups(s).find((g) => g.name === 'g3')).toMatchObject({ state: 'online', currentServer: 'server1' });
    }
    report('cut of both interconnects', cutAt);
  });

  test('links back: host3 heals and runs nothing (no failback); group move g3 --server server3 brings it home', async () => {
    setLinks(3, [1, 2], true);
    await until(
      'partition healed on server3',
      () => (partitionEvents('server3').some((e) => e.summary.startsWith('partition healed')) ? true : undefined),
      10_000
    );
    // Nothing between the two: the peers are heard again a heartbeat apart, and the one heard
    // later must not be judged (and presumed down, or fenced) by a side that hears the other.
    expect(partitionEvents('server3').map((e) => e.summary)).toEqual([
      `partition resolution: lose; server1, server2 silent: this side is a minority (1 of 3 servers) (${target()} answered)`,
      'partition healed: every peer is heard again',
    ]);
    await until(
      'every agent hears every peer',
      () => SERVERS.every((s) => peerStates(s).every((st) => st === 'online')) || undefined,
      10_000
    );
    // A few placement rounds: still nothing on server3, g3 stays on server1.
    await new Promise((r) => setTimeout(r, 1000));
    expect(running()).toEqual({ g1: ['server1: START'], g2: ['server2: START'], g3: ['server1: FAILOVER'] });
    for (const s of SERVERS) {
      expect(groups(s).map((g) => [g.name, g.state, g.currentServer])).toEqual([
        ['g1', 'online', 'server1'],
        ['g2', 'online', 'server2'],
        ['g3', 'online', 'server1'],
      ]);
    }

    const outcome = jsonOf<Outcome & { done: boolean }>(
      cli('server3', ['group', 'move', 'g3', '--server', 'server3', '--json']),
      'group move'
    );
    expect(outcome).toMatchObject({ done: true, ok: true, server: 'server3' });
    expect(outcome.steps.map((s) => [s.action, s.server, s.ok])).toEqual([
      ['stop', 'server1', true],
      ['start', 'server3', true],
    ]);
    expect(running()).toEqual({ g1: ['server1: START'], g2: ['server2: START'], g3: ['server3: MOVE'] });
    await until(
      'every agent sees g3 on server3',
      () =>
        SERVERS.every((s) => {
          const g3 = groups(s).find((g) => g.name === 'g3')!;
          return g3.state === 'online' && g3.currentServer === 'server3';
        }) || undefined,
      5000
    );
  });

  test('host3 cut off every network, the ping target too: it loses because no ping target answers; server1 takes g3 over again once confirmed', async () => {
    const before = Object.fromEntries(SERVERS.map((s) => [s, partitionEvents(s).length]));
    const cutAt = Date.now();
    setLinks(3, [1, 2, PUBLIC_NET], false);
    await until('g3 stopped on server3', () => (running().g3.length === 0 ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(running().g3).toEqual([]);
    expect(adminCli('server1', ['server', 'confirm-down', 'server3']).code).toBe(0);

    await until(
      'g3 stopped on server3 and running on server1',
      () => (running().g3.join() === 'server1: FAILOVER' ? true : undefined),
      15_000
    );
    const newEvents = (s: string) =>
      partitionEvents(s)
        .slice(before[s])
        .map((e) => e.summary);
    await until('server3 lost', () => (newEvents('server3').length > 0 ? true : undefined), 10_000);
    expect(newEvents('server3')).toEqual([
      `partition resolution: lose; server1, server2 silent: none of the ping targets answers: this side is cut off (no answer from ${target()})`,
    ]);
    for (const s of ['server1', 'server2']) {
      await until(`${s}: server3 confirmed down`, () => (newEvents(s).length === 3 ? true : undefined), 5000);
      expect(newEvents(s)).toEqual([...win(`${target()} answered`), confirmed]);
    }
    expect(running()).toEqual({ g1: ['server1: START'], g2: ['server2: START'], g3: ['server1: FAILOVER'] });
    const r = cli('server3', ['group', 'start', 'g3', '--server', 'server3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('this server lost the partition resolution');
    report('cut of every network', cutAt);
  });
});
