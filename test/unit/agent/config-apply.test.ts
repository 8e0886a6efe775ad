import fs from 'node:fs';
import { ApplyError, ConfigApplier, type PeerTransport, type Proposal } from '../../../backend/agent/config-apply';
import { validateConfig, type ClusterConfig } from '../../../backend/config/model';
import { ConfigStore, type StoredRevision } from '../../../backend/config/store';
import { maxConfig } from '../../support/max-config';
import { tempDir } from '../../support/isolation';

const SERVERS = ['server1', 'server2', 'server3'];

function cfg(name: string) {
  const c = maxConfig({ servers: 3, interconnects: 2, groups: 1, monitors: 1 });
  c.cluster.name = name;
  return c;
}

/** Three appliers wired to each other in memory; `down` peers do not answer. */
function cluster() {
  const dirs: string[] = [];
  const down = new Set<string>();
  const unfit = new Map<string, (c: ClusterConfig) => string | null>();
  const nodes = new Map<string, { applier: ConfigApplier; store: ConfigStore; adopted: StoredRevision[] }>();
  const transport: PeerTransport = {
    prepare: async (peer, p: Proposal) =>
      down.has(peer) ? undefined : nodes.get(peer)!.applier.prepare(JSON.parse(JSON.stringify(p))),
    commit: async (peer, revision, hash) => {
      const done = down.has(peer) ? undefined : await nodes.get(peer)!.applier.commit(revision, hash, 'test');
      return done ? { ok: true, report: done.report } : { ok: false };
    },
    abort: async (peer, revision, hash) => nodes.get(peer)?.applier.abort(revision, hash),
  };
  for (const name of SERVERS) {
    const dir = tempDir(`apply-${name}-`);
    dirs.push(dir);
    const store = new ConfigStore(dir);
    const first = validateConfig(cfg('initial'));
    if (!first.ok) {
      throw new Error('bad fixture');
    }
    store.apply(first.config, 'test');
    const adopted: StoredRevision[] = [];
    const applier = new ConfigApplier(
      name,
      store,
      () => store.current()!,
      () => SERVERS.filter((s) => s !== name),
      transport,
      async (s) => {
        adopted.push(s);
        return { server: name, revision: s.revision, applied: [], atNextStart: [], restartRequired: [] };
      },
      undefined,
      (config) => unfit.get(name)?.(config) ?? null
    );
    nodes.set(name, { applier, store, adopted });
  }
  const revisions = () => SERVERS.map((s) => nodes.get(s)!.store.current()!.revision);
  const cleanup = () => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  return { nodes, down, unfit, revisions, cleanup };
}

describe('ConfigApplier (two-phase, in memory)', () => {
  test('a peer that already fetched the revision through convergence counts it as committed', async () => {
    const c = cluster();
    const server2 = c.nodes.get('server2')!;
    // Convergence wins the race: the moment server1 stores revision 2, server2 fetches it.
    const realCommit = server2.applier.commit.bind(server2.applier);
    server2.applier.commit = (revision, hash, from) => {
      const coordinator = c.nodes.get('server1')!.store.current()!;
      server2.store.apply(coordinator.config, 'peer:server1 (convergence)', coordinator.revision);
      return realCommit(revision, hash, from);
    };
    const r = await c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 'api:admin');
    expect(r.committed).toEqual(['server1', 'server2', 'server3']);
    expect(c.revisions()).toEqual([2, 2, 2]);
    c.cleanup();
  });

  test('every agent stores the new revision', async () => {
    const c = cluster();
    const r = await c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 'api:admin');
    expect(r).toMatchObject({ revision: 2, committed: ['server1', 'server2', 'server3'], unreachable: [] });
    expect(c.revisions()).toEqual([2, 2, 2]);
    expect(c.nodes.get('server3')!.store.current()!.config.cluster.name).toBe('v2');
    expect(c.nodes.get('server2')!.adopted.map((s) => s.revision)).toEqual([2]);
    c.cleanup();
  });

  test('an invalid configuration is refused with its problems, nothing stored', async () => {
    const c = cluster();
    const bad = cfg('v2');
    bad.servers[1].api.port = 70000;
    await expect(c.nodes.get('server1')!.applier.apply(bad, 1, 't')).rejects.toMatchObject({
      kind: 'invalid',
      problems: [{ path: ['servers', 1, 'api', 'port'] }],
    });
    expect(c.revisions()).toEqual([1, 1, 1]);
    c.cleanup();
  });

  test('a stale base revision is a conflict', async () => {
    const c = cluster();
    await c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 't');
    await expect(c.nodes.get('server2')!.applier.apply(cfg('v3'), 1, 't')).rejects.toMatchObject({ kind: 'conflict' });
    expect(c.revisions()).toEqual([2, 2, 2]);
    c.cleanup();
  });

  test('two concurrent applies: exactly one wins, the other stores nothing', async () => {
    const c = cluster();
    const results = await Promise.allSettled([
      c.nodes.get('server1')!.applier.apply(cfg('from-1'), 1, 't'),
      c.nodes.get('server3')!.applier.apply(cfg('from-3'), 1, 't'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won.length).toBeLessThanOrEqual(1); // never both
    expect(lost.every((r) => r.reason instanceof ApplyError && r.reason.kind === 'conflict')).toBe(true);
    const names = new Set(SERVERS.map((s) => c.nodes.get(s)!.store.current()!.config.cluster.name));
    expect(names.size).toBe(1); // everyone holds the same configuration
    c.cleanup();
  });

  test('an unreachable peer is left out (it catches up through convergence)', async () => {
    const c = cluster();
    c.down.add('server3');
    const r = await c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 't');
    expect(r).toMatchObject({ committed: ['server1', 'server2'], unreachable: ['server3'] });
    expect(c.revisions()).toEqual([2, 2, 1]);
    c.cleanup();
  });

  test('the answer carries what each committed agent did', async () => {
    const c = cluster();
    const r = await c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 't');
    expect(r.agents.map((a) => [a.server, a.revision])).toEqual([
      ['server1', 2],
      ['server2', 2],
      ['server3', 2],
    ]);
    c.cleanup();
  });

  test('a heartbeat timing change is refused while a peer is unreachable, and stored nowhere', async () => {
    const c = cluster();
    c.down.add('server3');
    const next = cfg('initial');
    next.cluster.heartbeat = { intervalMs: 500, timeoutMs: 4000 };
    await expect(c.nodes.get('server1')!.applier.apply(next, 1, 't')).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/cluster.heartbeat must reach every server.*server3 cannot be reached/),
    });
    expect(c.revisions()).toEqual([1, 1, 1]);
    // server2 prepared and was told to abort: it takes the next change at once.
    c.down.delete('server3');
    await expect(c.nodes.get('server1')!.applier.apply(next, 1, 't')).resolves.toMatchObject({ revision: 2 });
    c.cleanup();
  });

  test('a configuration a peer cannot run (a script user it lacks) is refused there and stored nowhere', async () => {
    const c = cluster();
    c.unfit.set('server2', () => 'groups[0].resources[0].user: there is no user "app" on this server');
    await expect(c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 't')).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('server2: not applicable on server2: groups[0].resources[0].user'),
    });
    expect(c.revisions()).toEqual([1, 1, 1]);
    c.cleanup();
  });

  test('a peer that refuses aborts the change everywhere', async () => {
    const c = cluster();
    // server2 already moved on (e.g. it applied something the coordinator has not seen).
    await c.nodes.get('server2')!.store.apply(validateConfigOrThrow(cfg('elsewhere')), 't', 2);
    await expect(c.nodes.get('server1')!.applier.apply(cfg('v2'), 1, 't')).rejects.toMatchObject({ kind: 'conflict' });
    expect(c.revisions()).toEqual([1, 2, 1]);
    // server3 prepared then was told to abort: it can take a new change right away.
    expect(
      c.nodes.get('server3')!.applier.prepare({ base: 1, revision: 2, hash: 'x', config: cfg('z'), coordinator: 't' })
    ).toMatchObject({ ok: false, reason: 'content hash does not match' });
    c.cleanup();
  });
});

function validateConfigOrThrow(data: unknown) {
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}
