import { OperationError } from '../../../backend/groups/operations';
import { GroupSim, groupConfig } from './harness';

const by = { requestedBy: 'test' };

describe('group operations across agents', () => {
  test('start goes to the first startup server that is up, whichever agent coordinates', async () => {
    const sim = new GroupSim(groupConfig());
    const o = await sim.agent('server3').ops.start('web', by);
    expect(o).toMatchObject({ ok: true, server: 'server1', steps: [{ server: 'server1', action: 'start', ok: true }] });
    expect(sim.activeOn('web')).toEqual(['server1']);
    // Dependencies first, whatever the configured order.
    expect(sim.log).toEqual(['server1 start ip', 'server1 start data', 'server1 start app']);
    // db lists server2 first.
    expect((await sim.agent('server1').ops.start('db', by)).server).toBe('server2');
  });

  test('a group that runs somewhere is not started again', async () => {
    const sim = new GroupSim(groupConfig());
    await sim.agent('server1').ops.start('web', by);
    await expect(sim.agent('server2').ops.start('web', { ...by, server: 'server2' })).rejects.toThrow(
      'group web is already online on server1'
    );
    expect(sim.activeOn('web')).toEqual(['server1']);
  });

  test('the starting server checks again: a coordinator a heartbeat behind cannot double-start', async () => {
    const sim = new GroupSim(groupConfig());
    await sim.agent('server1').ops.start('web', by);
    // server2 is asked directly, as a coordinator with a stale view would.
    await expect(sim.agent('server2').ops.startHere('web', { event: 'START', requestedBy: 'x' })).rejects.toThrow(
      'group web is held by server1'
    );
    expect(sim.activeOn('web')).toEqual(['server1']);
  });

  test('targets must be startup servers that are online', async () => {
    const sim = new GroupSim(groupConfig());
    sim.states.set('server2', 'unknown');
    const ops = sim.agent('server1').ops;
    await expect(ops.start('db', { ...by, server: 'server3' })).rejects.toMatchObject({
      kind: 'conflict',
      message: 'server3 is not a startup server of group db',
    });
    await expect(ops.start('db', { ...by, server: 'server2' })).rejects.toThrow('server2 is not online');
    await expect(ops.start('web', { ...by, server: 'server9' })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(ops.start('nope', by)).rejects.toMatchObject({
      kind: 'not-found',
      message: 'no group is named "nope"',
    });
    // db falls to server1 while server2 is out.
    expect((await ops.start('db', by)).server).toBe('server1');
  });

  test('stop stops where it runs; stopping an offline group is a no-op', async () => {
    const sim = new GroupSim(groupConfig());
    await sim.agent('server2').ops.start('web', { ...by, server: 'server2' });
    const o = await sim.agent('server3').ops.stop('web', by);
    expect(o).toMatchObject({ ok: true, server: null, steps: [{ server: 'server2', action: 'stop', ok: true }] });
    expect(sim.activeOn('web')).toEqual([]);
    expect(sim.log.slice(-3)).toEqual(['server2 stop app', 'server2 stop data', 'server2 stop ip']);
    expect(await sim.agent('server3').ops.stop('web', by)).toMatchObject({
      ok: true,
      steps: [],
      detail: 'already offline',
    });
  });

  test('move stops first, then starts on the next startup server', async () => {
    const sim = new GroupSim(groupConfig());
    await sim.agent('server1').ops.start('web', by);
    sim.log.length = 0;
    const o = await sim.agent('server3').ops.move('web', by);
    expect(o).toMatchObject({ ok: true, server: 'server2' });
    expect(sim.log).toEqual([
      'server1 stop app',
      'server1 stop data',
      'server1 stop ip',
      'server2 start ip',
      'server2 start data',
      'server2 start app',
    ]);
    expect(sim.activeOn('web')).toEqual(['server2']);
    expect((await sim.agent('server1').ops.move('web', { ...by, server: 'server3' })).server).toBe('server3');
  });

  test('a failed start on the target rolls back there and tries the next server, last the one it came from', async () => {
    const sim = new GroupSim(groupConfig());
    await sim.agent('server1').ops.start('web', by);
    sim.script = (server, resource, action) =>
      (server === 'server2' || server === 'server3') && resource === 'app' && action === 'start'
        ? { ok: false, detail: 'exit 1: no disk', durationMs: 1 }
        : undefined;
    const o = await sim.agent('server1').ops.move('web', by);
    expect(o.ok).toBe(false);
    expect(o.server).toBe('server1');
    expect(o.detail).toBe('could not start elsewhere; started again on server1');
    expect(o.steps.map((s) => `${s.action} ${s.server} ${s.ok}`)).toEqual([
      'stop server1 true',
      'start server2 false',
      'start server3 false',
      'start server1 true',
    ]);
    expect(sim.activeOn('web')).toEqual(['server1']);
    expect(sim.agent('server2').local.status('web')).toMatchObject({
      state: 'start-failed',
      reason: 'resource app failed to start: exit 1: no disk',
    });
  });

  test('a group held by a silent server is not touched', async () => {
    const sim = new GroupSim(groupConfig());
    await sim.agent('server1').ops.start('web', by);
    sim.states.set('server1', 'hung-or-partitioned');
    const ops = sim.agent('server2').ops;
    await expect(ops.start('web', by)).rejects.toThrow('already unreachable on server1');
    await expect(ops.move('web', by)).rejects.toThrow(/held by server1, which is not answering/);
    await expect(ops.stop('web', by)).rejects.toThrow(/held by server1, which is not answering/);
    // A server whose BMC reports power off holds nothing.
    sim.states.set('server1', 'offline-confirmed');
    expect((await ops.start('web', by)).server).toBe('server2');
  });

  test('one operation at a time per group and coordinator', async () => {
    const sim = new GroupSim(groupConfig());
    const ops = sim.agent('server1').ops;
    const first = ops.start('web', by);
    await expect(ops.stop('web', by)).rejects.toThrow('group web is busy: a start is in progress');
    expect(ops.running('web')).toBe('start');
    await first;
    expect(ops.running('web')).toBeUndefined();
  });

  test('a server that cannot see its peers does not start groups', async () => {
    const sim = new GroupSim(groupConfig());
    sim.blocked = 'heartbeats are not running';
    const o = await sim.agent('server1').ops.start('web', by);
    // Every startup server is asked in turn; each refuses.
    const refused = { ok: false, detail: 'heartbeats are not running' };
    expect(o).toMatchObject({ ok: false, server: null, steps: [refused, refused, refused] });
    expect(sim.activeOn('web')).toEqual([]);
  });

  test('refusals are OperationErrors of a kind (not-found, conflict, unavailable)', async () => {
    const sim = new GroupSim(groupConfig());
    const e = await sim
      .agent('server1')
      .ops.move('web', by)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OperationError);
    expect(e).toMatchObject({ kind: 'conflict', message: 'group web is offline: start it instead' });
  });
});
