import { ownTag, PeerMonitors, type MonitorPeerTransport, type OwnRows } from '../../../backend/agent/peer-monitors';
import { MonitorBoard } from '../../../backend/monitors/monitor-board';

const tick = () => new Promise((r) => setImmediate(r));

/** A peer transport whose answers the test gives, one fetch at a time. */
function fakeTransport() {
  const fetches: Array<{
    peer: string;
    etag: string | undefined;
    answer: (a: OwnRows | 'unchanged' | undefined) => void;
  }> = [];
  const announced: Array<{ peer: string; version: number }> = [];
  const transport: MonitorPeerTransport = {
    fetch: (peer, etag) => new Promise((resolve) => fetches.push({ peer, etag, answer: resolve })),
    announce: async (peer, own) => {
      announced.push({ peer, version: own.version });
    },
  };
  return { transport, fetches, announced };
}

const rowsOf = (epoch: number, version: number, status: 'normal' | 'error' = 'normal'): OwnRows => ({
  server: 'server2',
  epoch,
  version,
  rows: [
    { monitor: 'mrw1', server: 'server2', status, since: 10 * version, reason: `v${version}` },
    // Not server2's to give: ignored.
    { monitor: 'mrw1', server: 'server1', status: 'error', since: 1, reason: 'forged' },
  ],
});

function setup() {
  let now = 1000;
  const board = new MonitorBoard([{ name: 'mrw1', servers: ['server1', 'server2'] }], { wallNow: () => now });
  const fake = fakeTransport();
  const peers = new PeerMonitors({
    self: 'server1',
    servers: ['server1', 'server2'],
    board,
    transport: fake.transport,
    pollMs: 1_000_000,
    staleAfterMs: 500,
    now: () => now,
  });
  peers.start();
  return { board, peers, ...fake, advance: (ms: number) => (now += ms) };
}

const mrw1On = (p: PeerMonitors, server: string) => p.rows().find((r) => r.monitor === 'mrw1' && r.server === server)!;

describe("copies of the peers' own monitor rows", () => {
  test("fetched at start, kept with their tag; only the peer's own rows", async () => {
    const t = setup();
    expect(t.fetches.map((f) => [f.peer, f.etag])).toEqual([['server2', undefined]]);
    t.fetches[0].answer(rowsOf(5, 2, 'error'));
    await tick();
    expect(mrw1On(t.peers, 'server2')).toMatchObject({
      status: 'error',
      origin: 'server2',
      seenAt: 1000,
      stale: false,
    });
    expect(mrw1On(t.peers, 'server1')).toMatchObject({ status: 'normal', origin: 'server1' });
    t.peers.changed('server2', 5, 3);
    expect(t.fetches[1].etag).toBe(ownTag(5, 2));
    t.peers.stop();
  });

  test('an announcement of what is kept fetches nothing; one fetch at a time, again after it if asked meanwhile', async () => {
    const t = setup();
    t.fetches[0].answer(rowsOf(5, 2));
    await tick();
    t.peers.changed('server2', 5, 2);
    expect(t.fetches).toHaveLength(1);
    t.peers.changed('server2', 5, 3);
    t.peers.changed('server2', 5, 4);
    expect(t.fetches).toHaveLength(2);
    t.fetches[1].answer(rowsOf(5, 3));
    await tick();
    expect(t.fetches).toHaveLength(3);
    t.fetches[2].answer(rowsOf(5, 4, 'error'));
    await tick();
    expect(mrw1On(t.peers, 'server2')).toMatchObject({ status: 'error', reason: 'v4' });
    // Unknown servers are not asked.
    t.peers.changed('server9', 1, 1);
    expect(t.fetches).toHaveLength(3);
    t.peers.stop();
  });

  test('never back in time: an older answer of the same board is not applied', async () => {
    const t = setup();
    t.fetches[0].answer(rowsOf(5, 4, 'error'));
    await tick();
    t.peers.changed('server2', 6, 0);
    t.fetches[1].answer(rowsOf(5, 3)); // crossed on the network
    await tick();
    expect(mrw1On(t.peers, 'server2')).toMatchObject({ status: 'error', reason: 'v4' });
    t.peers.changed('server2', 6, 0);
    t.fetches[2].answer(rowsOf(6, 0)); // restarted: a new board, version 0
    await tick();
    expect(mrw1On(t.peers, 'server2')).toMatchObject({ status: 'normal', reason: 'v0' });
    t.peers.stop();
  });

  test('a 304 keeps the rows fresh; no answer for longer than staleAfterMs makes them stale', async () => {
    const t = setup();
    t.fetches[0].answer(rowsOf(5, 2, 'error'));
    await tick();
    t.advance(400);
    t.peers.changed('server2', 5, 3);
    t.fetches[1].answer('unchanged');
    await tick();
    t.advance(400);
    expect(mrw1On(t.peers, 'server2')).toMatchObject({ seenAt: 1400, stale: false });
    t.peers.changed('server2', 5, 3);
    t.fetches[2].answer(undefined); // no answer
    await tick();
    t.advance(101);
    expect(mrw1On(t.peers, 'server2')).toMatchObject({ status: 'error', seenAt: 1400, stale: true });
    expect(t.peers.sources()).toEqual([
      { server: 'server1', seenAt: 1901, stale: false, epoch: 1000, version: 0 },
      { server: 'server2', seenAt: 1400, stale: true, epoch: 5, version: 2 },
    ]);
    t.peers.stop();
  });

  test('one announcement in flight per peer; changes meanwhile are announced once after it, the latest', async () => {
    let now = 1000;
    const board = new MonitorBoard([{ name: 'mrw1', servers: ['server1', 'server2'] }], { wallNow: () => now });
    const sent: number[] = [];
    const pending: Array<() => void> = [];
    const peers = new PeerMonitors({
      self: 'server1',
      servers: ['server1', 'server2'],
      board,
      transport: {
        fetch: () => new Promise(() => {}),
        announce: (_peer, own) => {
          sent.push(own.version);
          return new Promise<void>((r) => pending.push(r));
        },
      },
      pollMs: 1_000_000,
      staleAfterMs: 500,
      now: () => now,
    });
    peers.start();
    board.raiseError('mrw1', 'server1', 'one');
    await tick();
    board.clear('mrw1', undefined, 'two');
    await tick();
    board.raiseError('mrw1', 'server1', 'three');
    await tick();
    expect(sent).toEqual([1]);
    pending.shift()!();
    await tick();
    await tick();
    expect(sent).toEqual([1, 3]);
    peers.stop();
  });

  test('a change is told when new rows are kept and when they go stale or fresh again, not on every answer', async () => {
    const t = setup();
    const changes: unknown[] = [];
    t.peers.on('change', (c) => changes.push(c));
    t.fetches[0].answer(rowsOf(5, 2));
    await tick();
    t.peers.changed('server2', 5, 3);
    t.fetches[1].answer('unchanged');
    await tick();
    expect(changes).toEqual([{ server: 'server2', epoch: 5, version: 2, stale: false }]);
    t.advance(600);
    t.peers.changed('server2', 5, 3);
    t.fetches[2].answer(undefined);
    await tick();
    t.peers.changed('server2', 5, 3);
    t.fetches[3].answer('unchanged');
    await tick();
    expect(changes.slice(1)).toEqual([
      { server: 'server2', epoch: 5, version: 2, stale: true },
      { server: 'server2', epoch: 5, version: 2, stale: false },
    ]);
    t.peers.stop();
  });

  test('the state key moves with the rows and staleness, not with ages', async () => {
    const t = setup();
    const k0 = t.peers.stateKey();
    t.fetches[0].answer(rowsOf(5, 2));
    await tick();
    const k1 = t.peers.stateKey();
    expect(k1).not.toBe(k0);
    t.advance(300);
    t.peers.changed('server2', 5, 3);
    t.fetches[1].answer('unchanged'); // seenAt only
    await tick();
    expect(t.peers.stateKey()).toBe(k1);
    t.board.raiseError('mrw1', 'server1', 'here');
    const k2 = t.peers.stateKey();
    expect(k2).not.toBe(k1);
    t.advance(501);
    expect(t.peers.stateKey()).not.toBe(k2); // server2 went stale
    t.peers.stop();
  });

  test('changes here are announced to every peer, once per burst, with the board version', async () => {
    const t = setup();
    t.board.raiseError('mrw1', 'server1', 'fatal');
    t.board.clear('mrw1', undefined, 'cleared');
    expect(t.announced).toEqual([]);
    await tick();
    expect(t.announced).toEqual([{ peer: 'server2', version: 2 }]);
    expect(t.peers.own()).toEqual({
      server: 'server1',
      epoch: 1000,
      version: 2,
      rows: [expect.objectContaining({ monitor: 'mrw1', server: 'server1', status: 'normal', reason: 'cleared' })],
    });
    t.peers.stop();
  });
});
