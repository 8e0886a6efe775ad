import { GroupBusyError } from '../../../backend/groups/local-groups';
import { startOrder, stopOrder, worstCaseMs } from '../../../backend/groups/plan';
import { GroupSim, groupConfig } from './harness';

const fail = (detail: string) => ({ ok: false, detail, durationMs: 1 });

describe('resource order', () => {
  test('dependencies start first and stop last; otherwise the configured order', () => {
    const web = groupConfig().groups[0];
    expect(startOrder(web).map((r) => r.name)).toEqual(['ip', 'data', 'app']);
    expect(stopOrder(web).map((r) => r.name)).toEqual(['app', 'data', 'ip']);
  });

  test('a cycle is named (the configuration rejects it; this guards direct callers)', () => {
    const web = groupConfig().groups[0];
    const cyclic = { resources: web.resources.map((r) => (r.name === 'ip' ? { ...r, dependsOn: ['app'] } : r)) };
    expect(() => startOrder(cyclic)).toThrow('resource dependency cycle: app -> ip -> app');
  });

  test('worst case: every resource timeout (plus the kill grace), start and clean-up', () => {
    expect(worstCaseMs(groupConfig().groups[0])).toBe(2 * 3 * (1000 + 2000));
  });
});

describe('a group on one server', () => {
  test('a failed start stops the failed resource and what had started, in reverse, and releases the group', async () => {
    const sim = new GroupSim(groupConfig());
    sim.script = (_s, r, a) => (r === 'app' && a === 'start' ? fail('exit 3') : undefined);
    const local = sim.agent('server1').local;
    const changes: string[] = [];
    local.on('change', (c) => changes.push(`${c.from}->${c.to}`));
    const r = await local.start('web', 'START');
    expect(r).toEqual({
      ok: false,
      changed: true,
      state: 'start-failed',
      detail: 'resource app failed to start: exit 3',
    });
    expect(sim.log).toEqual([
      'server1 start ip',
      'server1 start data',
      'server1 start app',
      // The failed one first: its script may have launched a daemon before failing.
      'server1 stop app',
      'server1 stop data',
      'server1 stop ip',
    ]);
    expect(local.held()).toEqual([]);
    expect(changes).toEqual(['offline->starting', 'starting->start-failed']);
    // app failed to start, then was stopped: offline (the group's reason names the failure).
    expect(local.status('web')!.resources.map((x) => `${x.name}:${x.state}`)).toEqual([
      'app:offline',
      'ip:offline',
      'data:offline',
    ]);
  });

  test('a start runs its first resource only once its announcement is confirmed; refused, it runs nothing', async () => {
    const sim = new GroupSim(groupConfig());
    const local = sim.agent('server1').local;
    const asked: string[] = [];
    let answer: string | null = 'server2 did not confirm';
    local.setStartGate(async (group) => {
      // Asked while the group is announced as starting, before any resource ran.
      asked.push(`${group}:${local.status(group)!.state}:${sim.log.length}`);
      return answer;
    });
    const refused = await local.start('web', 'START');
    expect(refused).toEqual({
      ok: false,
      changed: true,
      state: 'offline',
      detail: 'not started: server2 did not confirm',
    });
    expect(sim.log).toEqual([]);
    expect(local.held()).toEqual([]);
    answer = null;
    expect((await local.start('web', 'START')).ok).toBe(true);
    expect(sim.log).toEqual(['server1 start ip', 'server1 start data', 'server1 start app']);
    expect(asked).toEqual(['web:starting:0', 'web:starting:0']);
  });

  test('when the clean-up fails too, the group stays held (stop-failed) until a stop succeeds', async () => {
    const sim = new GroupSim(groupConfig());
    sim.script = (_s, r, a) =>
      r === 'app' && a === 'start' ? fail('exit 3') : r === 'ip' && a === 'stop' ? fail('busy') : undefined;
    const local = sim.agent('server1').local;
    const r = await local.start('web', 'START');
    expect(r.state).toBe('stop-failed');
    expect(r.detail).toBe('resource app failed to start: exit 3; then resource(s) failed to stop: ip: busy');
    expect(local.held()).toEqual(['web']);
    // A start is refused while resources may be active.
    expect((await local.start('web', 'START')).state).toBe('stop-failed');
    sim.script = () => undefined;
    expect(await local.stop('web', 'STOP')).toMatchObject({ ok: true, state: 'offline' });
    expect(local.held()).toEqual([]);
  });

  test('a stop carries on past a failing resource, and reports it', async () => {
    const sim = new GroupSim(groupConfig());
    const local = sim.agent('server1').local;
    await local.start('web', 'START');
    sim.script = (_s, r, a) => (r === 'data' && a === 'stop' ? fail('exit 1') : undefined);
    const r = await local.stop('web', 'STOP');
    expect(r).toMatchObject({ ok: false, state: 'stop-failed', detail: 'resource(s) failed to stop: data: exit 1' });
    expect(sim.log.slice(-3)).toEqual(['server1 stop app', 'server1 stop data', 'server1 stop ip']);
  });

  test('starting an online group changes nothing; one operation at a time', async () => {
    const sim = new GroupSim(groupConfig());
    const local = sim.agent('server1').local;
    const first = local.start('web', 'START');
    await expect(local.stop('web', 'STOP')).rejects.toBeInstanceOf(GroupBusyError);
    await first;
    expect(await local.start('web', 'START')).toMatchObject({ ok: true, changed: false, detail: 'already online' });
    expect(sim.log.filter((l) => l.includes('start'))).toHaveLength(3);
  });

  test('a driver that throws fails its resource, not the agent', async () => {
    const sim = new GroupSim(groupConfig());
    sim.script = (_s, r, a) => {
      if (r === 'ip' && a === 'start') {
        throw new Error('boom');
      }
      return undefined;
    };
    const r = await sim.agent('server1').local.start('web', 'START');
    expect(r).toMatchObject({
      ok: false,
      state: 'start-failed',
      detail: 'resource ip failed to start: driver error: boom',
    });
  });

  test('stopHeld stops every group held here', async () => {
    const sim = new GroupSim(groupConfig());
    const local = sim.agent('server1').local;
    await local.start('web', 'START');
    await local.start('db', 'START');
    const results = await local.stopHeld('STOP');
    expect([...results.keys()].sort()).toEqual(['db', 'web']);
    expect(sim.active.size).toBe(0);
  });
});

describe('a new configuration revision', () => {
  test('adds groups, changes an idle one at once and a running one at its next start, stops a removed running one', async () => {
    const config = groupConfig();
    const sim = new GroupSim(config);
    const local = sim.agent('server1').local;
    await local.start('web', 'START');
    const web = config.groups[0];
    const db = config.groups[1];
    const changedWeb = {
      ...web,
      resources: web.resources.filter((r) => r.name !== 'data').map((r) => ({ ...r, dependsOn: [] })),
    };
    const changedDb = { ...db, resources: [...db.resources, { ...db.resources[0], name: 'db-extra' }] };
    const extra = { ...db, name: 'extra' };
    local.reconfigure([changedWeb, changedDb, extra]);
    expect(local.status('extra')?.state).toBe('offline');
    expect(local.status('db')?.resources.map((r) => r.name)).toEqual(['db-app', 'db-extra']);
    // web runs here: it keeps its resources (and stops all three) until it starts again.
    expect(local.status('web')?.resources.map((r) => r.name)).toEqual(['app', 'ip', 'data']);
    sim.log.length = 0;
    await local.stop('web', 'STOP');
    expect(sim.log).toEqual(['server1 stop app', 'server1 stop data', 'server1 stop ip']);
    expect(local.status('web')?.resources.map((r) => r.name)).toEqual(['app', 'ip']);

    await local.start('extra', 'START');
    sim.log.length = 0;
    local.reconfigure([changedWeb, changedDb]);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(sim.log).toEqual(['server1 stop db-app']);
    expect(local.has('extra')).toBe(false);
    expect(local.held()).toEqual([]);
  });
});
