/**
 * What a live console relies on, against two real agents on loopback:
 *   - ETags on GET /status, /groups and /monitors that stay the same while nothing happens
 *     (heartbeats, RTT samples and peer polls go on) and change with a group or a monitor;
 *     If-None-Match answers 304, also with the `Cache-Control: no-cache` fetch() adds;
 *   - Last-Event-ID on GET /events/stream: exactly the missed events, then live ones; `reset`
 *     for another agent's id or too many missed;
 *   - cluster-wide monitors: a fatal PET to server1 puts mrw1 on server1 in error on both
 *     agents (server2 copies server1's own rows), `lifeline status` exits the same on both,
 *     a clear through server2 is carried out by server1, and a killed peer's rows stay, stale.
 */
import { stableStatus } from '../../../backend/agent/status';
import { eventually, startAgent, type RunningAgent } from '../../support/agent';
import { lifeline, sendPet } from '../../support/cli';
import { killAgent, loopbackCluster, sleep, status } from '../../support/cluster';
import { ip } from '../../support/isolation';
import { openSse } from '../../support/sse';

const TRAP_PORT = 29764;
/** A trap source allowed by the configuration (no BMC is needed for the trap to count for server1). */
const SOURCE = ip('127.0.1.11');
const config = loopbackCluster({
  name: 'live',
  servers: 2,
  apiPort: 29761,
  lanPorts: [29762, 29763],
  groups: ['g1'],
  monitors: [
    {
      name: 'mrw1',
      type: 'message-receive',
      category: 'BMCNOTICE',
      perServer: {
        server1: { keyword: `${ip('127.0.0.1')}:${TRAP_PORT}` },
        server2: { keyword: `${ip('127.0.0.2')}:${TRAP_PORT}` },
      },
    },
    { name: 'app1', type: 'message-receive', category: 'APPNOTICE', keyword: 'app-down' },
  ],
});
config.traps = { allowSources: [SOURCE] };

const agents: Record<string, RunningAgent> = {};
const names = ['server1', 'server2'];

beforeAll(async () => {
  for (const s of names) {
    agents[s] = await startAgent(config, s);
  }
  // Settled: both online on every path announcing the configuration, g1 placed, each agent
  // has the other's monitor rows.
  for (const s of names) {
    await eventually(
      async () => {
        const st = await status(agents[s]);
        return st.servers.every(
          (x) =>
            x.state === 'online' && x.paths.every((p) => p.state !== 'pending') && x.config?.hash === st.config.hash
        ) &&
          st.groups[0].state === 'online' &&
          st.monitorSources.every((m) => !m.stale)
          ? true
          : undefined;
      },
      15_000,
      `${s} settled`
    );
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((a) => a.stop()));
});

async function get(a: RunningAgent, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${a.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${a.tokens.viewer}`, ...headers },
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), body: text ? JSON.parse(text) : undefined };
}

const STATE_PATHS = ['/status', '/groups', '/groups/g1', '/monitors', '/events?limit=20'];
const tags = async (a: RunningAgent) => Promise.all(STATE_PATHS.map(async (p) => (await get(a, p)).etag!));

type Row = { monitor: string; server: string; status: string; origin: string; stale: boolean; since: number };
const row = async (a: RunningAgent, monitor: string, server: string): Promise<Row> =>
  (await get(a, `/monitors?monitor=${monitor}&server=${server}`)).body.monitors[0];

describe('ETags of the state a console polls', () => {
  test('stay the same over a second of heartbeats and polls, and answer If-None-Match with 304', async () => {
    const a = agents.server1;
    const first = await tags(a);
    for (const t of first) {
      expect(t).toMatch(/^W\/"[\w-]+"$/);
    }
    const seen = new Set<string>();
    // What the tag covers at each step, to show what changed when it did.
    const states = new Set<string>([JSON.stringify(stableStatus((await get(a, '/status')).body))]);
    const started = Date.now();
    while (Date.now() - started < 1000) {
      seen.add((await tags(a)).join(' '));
      states.add(JSON.stringify(stableStatus((await get(a, '/status')).body)));
      await sleep(100);
    }
    expect({ tags: [...seen], states: seen.size > 1 ? [...states] : [] }).toEqual({
      tags: [first.join(' ')],
      states: [],
    });
    // The bodies did change meanwhile (ages, samples): the validators are weak on purpose.
    for (const [i, p] of STATE_PATHS.entries()) {
      // fetch() adds Cache-Control: no-cache to a request with If-None-Match: still 304.
      const r = await get(a, p, { 'If-None-Match': first[i] });
      expect({ p, status: r.status, body: r.body }).toEqual({ p, status: 304, body: undefined });
      expect((await get(a, p, { 'If-None-Match': 'W/"other"' })).status).toBe(200);
    }
  });

  test('change after a group operation and after a monitor change', async () => {
    const a = agents.server1;
    const before = await tags(a);
    const stop = await a.request('POST', '/api/v1/groups/g1/stop', {}, a.tokens.operator);
    expect(stop.status).toBe(200);
    await eventually(async () => ((await status(a)).groups[0].state === 'offline' ? true : undefined), 5000, 'g1 off');
    const stopped = await tags(a);
    expect(stopped[0]).not.toBe(before[0]); // status
    expect(stopped[1]).not.toBe(before[1]); // groups
    expect(stopped[2]).not.toBe(before[2]); // groups/g1
    expect(stopped[3]).toBe(before[3]); // monitors: unchanged
    expect(stopped[4]).not.toBe(before[4]); // events: the group operation's
    expect((await get(a, '/status', { 'If-None-Match': before[0] })).status).toBe(200);

    // A monitor changes on server2: server1's answers change too (cluster-wide monitors).
    const n = await agents.server2.request(
      'POST',
      '/api/v1/notify',
      { category: 'APPNOTICE', keyword: 'app-down' },
      agents.server2.tokens.operator
    );
    expect(n).toMatchObject({ status: 202, body: { monitors: ['app1'], server: 'server2' } });
    await eventually(
      async () => ((await row(a, 'app1', 'server2')).status === 'error' ? true : undefined),
      5000,
      'app1'
    );
    // The status is rendered at most every 100 ms: its tag follows within that.
    const raised = await eventually(
      async () => {
        const t = await tags(a);
        return t[0] !== stopped[0] ? t : undefined;
      },
      2000,
      'a new status tag'
    );
    expect(raised[3]).not.toBe(stopped[3]);
    expect(raised[1]).toBe(stopped[1]);

    const clear = await a.request('POST', '/api/v1/monitors/app1/clear', {}, a.tokens.operator);
    expect(clear).toMatchObject({ status: 200, body: { cleared: 1, unreachable: [] } });
    expect((await row(agents.server2, 'app1', 'server2')).status).toBe('normal');
    expect((await a.request('POST', '/api/v1/groups/g1/start', {}, a.tokens.operator)).status).toBe(200);
  });
});

describe('Last-Event-ID on the event stream', () => {
  const notify = (a: RunningAgent, message: string) =>
    a.request('POST', '/api/v1/notify', { category: 'NOTHING', message }, a.tokens.operator);
  const stream = (a: RunningAgent, headers: Record<string, string> = {}) =>
    openSse(`${a.url}/api/v1/events/stream`, a.tokens.viewer, headers);

  test('a reconnecting client gets exactly the events it missed, in order, then live ones', async () => {
    const a = agents.server1;
    const s1 = await stream(a);
    await eventually(async () => s1.lastId(), 5000, 'the id of the connect frame');
    expect(s1.lastId()).toMatch(/^server1:\d+$/);
    await notify(a, 'seen-1');
    const [seen] = await s1.events(1);
    expect(JSON.parse(seen.data!).fields).toMatchObject({ message: 'seen-1' });
    const last = s1.lastId()!;
    expect(last).toBe(`server1:${JSON.parse(seen.data!).id}`);
    s1.close();

    const missed: number[] = [];
    for (let i = 0; i < 5; i++) {
      missed.push((await notify(a, `missed-${i}`)).status);
    }
    expect(missed).toEqual([202, 202, 202, 202, 202]);
    const logged = (await a.request('GET', `/api/v1/events?limit=5`, undefined, a.tokens.viewer)).body.events
      .map((e: { id: number }) => e.id)
      .reverse();

    const s2 = await stream(a, { 'Last-Event-ID': last });
    const replayed = await s2.events(5);
    expect(replayed.map((f) => f.id)).toEqual(logged.map((id: number) => `server1:${id}`));
    expect(replayed.map((f) => JSON.parse(f.data!).fields.message)).toEqual([0, 1, 2, 3, 4].map((i) => `missed-${i}`));
    await notify(a, 'live');
    const all = await s2.events(6);
    expect(JSON.parse(all[5].data!).fields.message).toBe('live');
    await sleep(200);
    expect(s2.frames.filter((f) => f.event === 'event')).toHaveLength(6); // nothing twice
    s2.close();

    // Up to date: nothing replayed. The query parameter works like the header.
    const s3 = await stream(a, {});
    await eventually(async () => s3.lastId(), 5000, 'connect id');
    const s4 = await openSse(
      `${a.url}/api/v1/events/stream?lastEventId=${encodeURIComponent(s3.lastId()!)}`,
      a.tokens.viewer
    );
    await notify(a, 'after');
    const [only] = await s4.events(1);
    expect(JSON.parse(only.data!).fields.message).toBe('after');
    s3.close();
    s4.close();
  });

  test("another agent's id, or more missed events than are replayed, give `reset`", async () => {
    const a = agents.server1;
    const foreign = await stream(a, { 'Last-Event-ID': 'server2:1' });
    const [reset] = await foreign.events(1);
    expect(reset.event).toBe('reset');
    expect(JSON.parse(reset.data!).reason).toMatch(/stream of server2/);
    foreign.close();

    const s = await stream(a);
    await eventually(async () => s.lastId(), 5000, 'connect id');
    const last = s.lastId()!;
    s.close();
    for (let i = 0; i < 501; i++) {
      await notify(a, `flood-${i}`);
    }
    const late = await stream(a, { 'Last-Event-ID': last });
    const [first] = await late.events(1);
    expect(first.event).toBe('reset');
    expect(JSON.parse(first.data!).reason).toMatch(/501 events were missed, more than the 500/);
    late.close();
  });
});

describe('monitors: every agent answers the same for every server', () => {
  test('a fatal PET to server1: mrw1 on server1 in error on both agents, and `lifeline status` agrees', async () => {
    expect(sendPet(`${ip('127.0.0.1')}:${TRAP_PORT}`, SOURCE).code).toBe(0);
    for (const s of names) {
      await eventually(
        async () => ((await row(agents[s], 'mrw1', 'server1')).status === 'error' ? true : undefined),
        5000,
        `${s} sees mrw1 on server1 in error`
      );
    }
    const [one, two] = await Promise.all(names.map((s) => row(agents[s], 'mrw1', 'server1')));
    expect(one).toMatchObject({ origin: 'server1', stale: false });
    expect(two).toMatchObject({ origin: 'server1', stale: false });
    const { seenAt: _a, ...a } = one as Row & { seenAt: number };
    const { seenAt: _b, ...b } = two as Row & { seenAt: number };
    expect(b).toEqual(a);

    const cli = names.map((s) =>
      lifeline(['status'], { env: { LIFELINE_URL: agents[s].url, LIFELINE_TOKEN: agents[s].tokens.viewer } })
    );
    expect(cli.map((c) => c.code)).toEqual([6, 6]);
    for (const c of cli) {
      expect(c.stdout).toContain('  - monitor mrw1 on server1 is in error');
    }
    // The same monitor section, seen from either agent.
    const section = (out: string) => out.slice(out.indexOf('MONITOR'), out.indexOf('Needs attention'));
    expect(section(cli[1].stdout)).toBe(section(cli[0].stdout));
  });

  test('a clear through server2 is carried out by server1; then both exit 0', async () => {
    const a = agents.server2;
    const r = lifeline(['monitor', 'clear', 'mrw1', '--server', 'server1'], {
      env: { LIFELINE_URL: a.url, LIFELINE_TOKEN: a.tokens.operator },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'mrw1: cleared on 1 server(s)\n' });
    for (const s of names) {
      await eventually(
        async () => ((await row(agents[s], 'mrw1', 'server1')).status === 'normal' ? true : undefined),
        5000,
        `${s} sees mrw1 on server1 normal`
      );
    }
    const events = (await agents.server1.request('GET', '/api/v1/events?type=monitor&limit=1')).body.events;
    expect(events[0].summary).toMatch(
      /mrw1 on server1: error -> normal \(cleared by test-operator \(through server2\)\)/
    );
    const after = names.map((s) =>
      lifeline(['status'], { env: { LIFELINE_URL: agents[s].url, LIFELINE_TOKEN: agents[s].tokens.viewer } })
    );
    expect(after.map((c) => [c.code, c.stdout])).toEqual([
      [0, expect.any(String)],
      [0, expect.any(String)],
    ]);
  });

  test("a killed peer's rows stay, marked stale, with when they were last seen", async () => {
    const a = agents.server1;
    // The stream of server1 tells of server2's rows (its events are in server2's log).
    const live = await openSse(`${a.url}/api/v1/events/stream`, a.tokens.viewer);
    await eventually(async () => live.lastId(), 5000, 'connect id');
    await agents.server2.request(
      'POST',
      '/api/v1/notify',
      { category: 'APPNOTICE', keyword: 'app-down' },
      agents.server2.tokens.operator
    );
    await eventually(
      async () => ((await row(a, 'app1', 'server2')).status === 'error' ? true : undefined),
      5000,
      'app1'
    );
    const monitorFrames = () => live.frames.filter((f) => f.event === 'monitors').map((f) => JSON.parse(f.data!));
    await eventually(async () => (monitorFrames().length > 0 ? true : undefined), 5000, 'a monitors frame');
    expect(monitorFrames()[0]).toMatchObject({ server: 'server2', stale: false, version: expect.any(Number) });
    await killAgent(agents.server2);
    const stale = await eventually(
      async () => {
        const r = await row(a, 'app1', 'server2');
        return r.stale ? r : undefined;
      },
      5000,
      "server2's rows stale"
    );
    expect(stale).toMatchObject({ status: 'error', origin: 'server2', stale: true });
    await eventually(async () => (monitorFrames().at(-1)?.stale ? true : undefined), 5000, 'a stale monitors frame');
    live.close();
    const sources = (await get(a, '/monitors')).body.sources;
    expect(sources).toEqual([
      expect.objectContaining({ server: 'server1', stale: false }),
      expect.objectContaining({ server: 'server2', stale: true, seenAt: expect.any(Number) }),
    ]);
    const text = lifeline(['status'], { env: { LIFELINE_URL: a.url, LIFELINE_TOKEN: a.tokens.viewer } }).stdout;
    expect(text).toMatch(
      /^ {4}server2 +error +\d\d:\d\d:\d\d +.*\(stale: last seen from server2 at \d\d:\d\d:\d\d\)$/m
    );
    // A clear of every server reaches what it can and says what it could not.
    const clear = await a.request('POST', '/api/v1/monitors/app1/clear', {}, a.tokens.operator);
    expect(clear).toMatchObject({ status: 200, body: { unreachable: ['server2'] } });
  });
});
