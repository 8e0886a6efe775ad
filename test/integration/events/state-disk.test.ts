/**
 * The state directory in trouble, for real: a full disk (a size-limited tmpfs mounted as the
 * agent's state directory, filled up to ENOSPC) and a broken event log file (truncated, bad
 * header, garbage, a directory in its place). The agent must keep running its groups, answer
 * clearly, count what it drops, recover by itself, and never touch the configuration store.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { loopbackCluster } from '../../support/cluster';
import { Markers } from '../../support/markers';

const markers = new Markers();

function clusterConfig(groups = ['failover1']) {
  return {
    ...loopbackCluster({ name: 'disk', servers: 1, apiPort: 29721, lanPorts: [29722] }),
    groups: groups.map((g) => ({ name: g, resources: [markers.resource(g)] })),
    monitors: [{ name: 'mrw1', type: 'message-receive', category: 'APPNOTICE', keyword: 'db-down' }],
  };
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  }
}

/** Notifications that match no monitor: events of about 8 KB each, and nothing else. */
async function notify(a: RunningAgent, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    const r = await a.request(
      'POST',
      '/api/v1/notify',
      { category: 'FILLER', message: `${tag}-${i} ${'x'.repeat(4000)}` },
      a.tokens.operator
    );
    expect(r.status).toBe(202);
  }
}

async function metric(a: RunningAgent, name: string, labels: Record<string, string> = {}) {
  return metricValue((await a.request('GET', '/metrics', undefined, a.tokens.viewer)).body as string, name, labels);
}

afterAll(() => markers.dispose());

describe('a full state disk (tmpfs of 8 MiB)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-full-'));
  const state = path.join(dir, 'state');
  const filler = path.join(state, 'filler');
  let agent: RunningAgent;

  beforeAll(async () => {
    fs.mkdirSync(state);
    run('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', state]);
    agent = await startAgent(clusterConfig(), 'server1', { dir });
    await eventually(
      async () => (markers.running('failover1').length === 1 ? true : undefined),
      10_000,
      'failover1 online'
    );
  });

  afterAll(async () => {
    await agent?.stop();
    spawnSync('umount', [state]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('events are dropped and counted, PUT /config answers 507 naming the file, groups keep running; all recovers', async () => {
    const a = agent;
    const before = (await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body;
    // Fill the file system to the last block.
    const fd = fs.openSync(filler, 'w');
    for (const size of [1 << 20, 1 << 12, 1 << 9, 1]) {
      try {
        for (;;) {
          fs.writeSync(fd, Buffer.alloc(size));
        }
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
    }
    fs.closeSync(fd);

    await notify(a, 150, 'full');
    await eventually(
      async () =>
        ((await metric(a, 'lifeline_event_log_dropped_total', { reason: 'disk-full' })) ?? 0) > 0 || undefined,
      10_000,
      'events dropped as disk-full',
      { diagnostics: () => a.logs().slice(-2000) }
    );
    expect(a.child.exitCode).toBeNull();
    expect(a.logs()).not.toMatch(/SqliteError|uncaught/i);
    expect(a.logs().match(/the event log cannot store events/g)).toHaveLength(1);

    const changed = { ...before.config, groups: [...before.config.groups, { name: 'extra' }] };
    const ifMatch = { 'If-Match': `"${before.revision}"` };
    const put = await a.request('PUT', '/api/v1/config', changed, a.tokens.admin, ifMatch);
    const answer = put.body;
    expect({ status: put.status, error: answer.error }).toEqual({
      status: 507,
      error: expect.stringContaining(`${path.join(state, 'config')}/rev-`),
    });
    expect(answer.error).toMatch(/no space left/);
    expect(fs.readdirSync(path.join(state, 'config')).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect((await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body.revision).toBe(before.revision);

    // Groups keep running, and can still be operated (their held-groups file is best effort).
    expect((await a.request('GET', '/api/v1/groups/failover1', undefined, a.tokens.viewer)).body.state).toBe('online');
    expect((await a.request('POST', '/api/v1/groups/failover1/stop', {}, a.tokens.operator)).body).toMatchObject({
      ok: true,
    });
    expect((await a.request('POST', '/api/v1/groups/failover1/start', {}, a.tokens.operator)).body).toMatchObject({
      ok: true,
    });
    expect(markers.running('failover1')).toEqual(['server1']);

    // Space returns: the next writes work, and the log says what was lost.
    fs.rmSync(filler);
    await notify(a, 1, 'after');
    const recovered = await eventually(
      async () => {
        const events = (await a.request('GET', '/api/v1/events?type=event-log', undefined, a.tokens.viewer)).body
          .events;
        return events.length > 0 ? events[0] : undefined;
      },
      10_000,
      'an event-log event'
    );
    expect(recovered.summary).toMatch(/^\d+ event\(s\) were not stored from .* \(disk-full: .*events\.db/);
    const last = (await a.request('GET', '/api/v1/events?type=notify&limit=1', undefined, a.tokens.viewer)).body
      .events[0];
    expect(last.summary).toMatch(/after-0/);
    expect(a.logs()).toMatch(/the event log stores events again/);
    expect((await a.request('PUT', '/api/v1/config', changed, a.tokens.admin)).status).toBe(428); // If-Match, as ever
    const ok = await a.request('PUT', '/api/v1/config', changed, a.tokens.admin, ifMatch);
    expect(ok.status).toBe(200);
  }, 60_000);
});

describe('a broken events.db is moved aside and a fresh log starts; the configuration store is untouched', () => {
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-corrupt-'));
  const cases: Array<[string, (db: string) => void]> = [
    ['truncated', (db) => fs.truncateSync(db, Math.floor(fs.statSync(db).size / 2))],
    [
      'bad header',
      (db) => {
        const fd = fs.openSync(db, 'r+');
        fs.writeSync(fd, Buffer.from('not a database!\0'), 0, 16, 0);
        fs.closeSync(fd);
      },
    ],
    ['garbage', (db) => fs.writeFileSync(db, randomBytes(64 * 1024))],
    [
      'a directory',
      (db) => {
        fs.rmSync(db);
        fs.mkdirSync(db);
        fs.writeFileSync(path.join(db, 'inside'), 'kept');
      },
    ],
  ];

  beforeAll(async () => {
    // One agent run leaves a configuration store and an event log of a few hundred KB.
    const a = await startAgent(clusterConfig([]), 'server1', { dir: template });
    await notify(a, 60, 'history');
    await a.stop();
    expect(fs.existsSync(path.join(template, 'state', 'events.db-wal'))).toBe(false);
  });

  afterAll(() => fs.rmSync(template, { recursive: true, force: true }));

  function digest(dir: string): string {
    const h = createHash('sha256');
    for (const f of fs.readdirSync(dir).sort()) {
      h.update(f).update(fs.readFileSync(path.join(dir, f)));
    }
    return h.digest('hex');
  }

  test.each(cases)(
    '%s',
    async (_what, damage) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-corrupt-case-'));
      fs.cpSync(template, dir, { recursive: true });
      const db = path.join(dir, 'state', 'events.db');
      damage(db);
      const damaged = fs.statSync(db).isDirectory()
        ? 'dir'
        : createHash('sha256').update(fs.readFileSync(db)).digest('hex');
      const store = digest(path.join(dir, 'state', 'config'));
      const a = await startAgent(clusterConfig([]), 'server1', { dir });
      try {
        const aside = fs.readdirSync(path.join(dir, 'state')).filter((f) => f.startsWith('events.db.corrupt-'));
        expect(aside).toHaveLength(1);
        const kept = path.join(dir, 'state', aside[0]);
        expect(
          fs.statSync(kept).isDirectory() ? 'dir' : createHash('sha256').update(fs.readFileSync(kept)).digest('hex')
        ).toBe(damaged);
        const events = (await a.request('GET', '/api/v1/events?type=event-log', undefined, a.tokens.viewer)).body
          .events;
        expect(events).toHaveLength(1);
        expect(events[0].summary).toContain(`the event log ${db} was broken`);
        expect(events[0].summary).toContain(kept);
        const line = a
          .logs()
          .split('\n')
          .find((l) => l.includes('the event log file was broken'));
        expect(JSON.parse(line!)).toMatchObject({ file: db, movedTo: kept });
        await notify(a, 1, 'fresh');
        expect(
          (await a.request('GET', '/api/v1/events?type=notify', undefined, a.tokens.viewer)).body.events
        ).toHaveLength(1);
        expect((await a.request('GET', '/api/v1/config', undefined, a.tokens.viewer)).body.revision).toBe(1);
      } finally {
        await a.stop();
      }
      expect(digest(path.join(dir, 'state', 'config'))).toBe(store);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    30_000
  );
});
