import {
  isNewer,
  mergeMonitorRows,
  monitorSources,
  type MergeInput,
  type PeerRows,
} from '../../../backend/monitors/cluster-rows';
import type { MonitorState } from '../../../backend/monitors/monitor-board';

const row = (monitor: string, server: string, over: Partial<MonitorState> = {}): MonitorState => ({
  monitor,
  server,
  status: 'normal',
  since: 100,
  reason: 'started',
  ...over,
});
/** server1's board: its own rows and its copies of server2's. */
const local = [row('mrw1', 'server1'), row('mrw1', 'server2'), row('userw', 'server1'), row('userw', 'server2')];
const fromServer2 = (over: Partial<PeerRows> = {}): PeerRows => ({
  server: 'server2',
  epoch: 7,
  version: 3,
  rows: [row('mrw1', 'server2', { status: 'error', since: 500, reason: 'fatal PET' }), row('userw', 'server2')],
  seenAt: 1000,
  ...over,
});

function merge(over: Partial<MergeInput> = {}) {
  return mergeMonitorRows({
    self: 'server1',
    local,
    touched: () => false,
    peers: new Map([['server2', fromServer2()]]),
    now: 1500,
    staleAfterMs: 1000,
    ...over,
  });
}
const find = (rows: ReturnType<typeof merge>, monitor: string, server: string) =>
  rows.find((r) => r.monitor === monitor && r.server === server)!;

describe('cluster-wide monitor rows', () => {
  test("each server's rows come from its own agent, in configuration order", () => {
    const rows = merge();
    expect(rows.map((r) => `${r.monitor}@${r.server}<${r.origin}`)).toEqual([
      'mrw1@server1<server1',
      'mrw1@server2<server2',
      'userw@server1<server1',
      'userw@server2<server2',
    ]);
    expect(find(rows, 'mrw1', 'server2')).toEqual({
      ...row('mrw1', 'server2', { status: 'error', since: 500, reason: 'fatal PET' }),
      origin: 'server2',
      seenAt: 1000,
      stale: false,
    });
    expect(find(rows, 'mrw1', 'server1')).toMatchObject({ origin: 'server1', seenAt: 1500, stale: false });
  });

  test("two agents with each other's rows answer the same for every (monitor, server)", () => {
    const board1 = [row('m', 'server1', { status: 'error', since: 40 }), row('m', 'server2')];
    const board2 = [row('m', 'server1'), row('m', 'server2', { status: 'warning', since: 50 })];
    const rowsOf = (server: string, board: MonitorState[]): PeerRows => ({
      server,
      epoch: 1,
      version: 1,
      rows: board.filter((r) => r.server === server),
      seenAt: 900,
    });
    const view = (self: string, board: MonitorState[], other: PeerRows) =>
      mergeMonitorRows({
        self,
        local: board,
        touched: () => false,
        peers: new Map([[other.server, other]]),
        now: 1000,
        staleAfterMs: 1000,
      }).map(({ monitor, server, status, since, reason, origin, stale }) => ({
        monitor,
        server,
        status,
        since,
        reason,
        origin,
        stale,
      }));
    expect(view('server1', board1, rowsOf('server2', board2))).toEqual(
      view('server2', board2, rowsOf('server1', board1))
    );
  });

  test('a silent peer keeps its last rows, marked stale', () => {
    const rows = merge({ now: 2001 });
    expect(find(rows, 'mrw1', 'server2')).toMatchObject({
      status: 'error',
      origin: 'server2',
      seenAt: 1000,
      stale: true,
    });
    expect(find(merge({ now: 2000 }), 'mrw1', 'server2').stale).toBe(false);
  });

  test("a peer never heard from: this agent's copy, stale, never seen", () => {
    expect(find(merge({ peers: new Map() }), 'mrw1', 'server2')).toEqual({
      ...row('mrw1', 'server2'),
      origin: 'server1',
      seenAt: null,
      stale: true,
    });
  });

  test("this agent's copy wins only over a stale peer, and only when changed here after the peer's row", () => {
    const raisedHere = local.map((r) =>
      r.monitor === 'userw' && r.server === 'server2'
        ? { ...r, status: 'error' as const, since: 1800, reason: 'notified here' }
        : r
    );
    const touched = (m: string, s: string) => m === 'userw' && s === 'server2';
    // Fresh peer: its row.
    expect(find(merge({ local: raisedHere, touched, now: 1900 }), 'userw', 'server2')).toMatchObject({
      status: 'normal',
      origin: 'server2',
    });
    // Stale peer: the newer copy, marked as this agent's and stale.
    expect(find(merge({ local: raisedHere, touched, now: 2100 }), 'userw', 'server2')).toMatchObject({
      status: 'error',
      origin: 'server1',
      stale: true,
    });
    // An untouched copy (still as it started) never wins.
    expect(find(merge({ local: raisedHere, touched: () => false, now: 2100 }), 'userw', 'server2')).toMatchObject({
      status: 'normal',
      origin: 'server2',
      stale: true,
    });
  });

  test("a peer's rows for monitors this agent does not run yet are added; rows of other servers are not its to give", () => {
    const extra = fromServer2({ rows: [...fromServer2().rows, row('new1', 'server2')] });
    const rows = merge({ peers: new Map([['server2', extra]]) });
    expect(rows.map((r) => r.monitor)).toEqual(['mrw1', 'mrw1', 'userw', 'userw', 'new1']);
  });

  test('sources: one per server', () => {
    expect(
      monitorSources('server1', ['server1', 'server2', 'server3'], new Map([['server2', fromServer2()]]), 1500, 1000, {
        epoch: 9,
        version: 4,
      })
    ).toEqual([
      { server: 'server1', seenAt: 1500, stale: false, epoch: 9, version: 4 },
      { server: 'server2', seenAt: 1000, stale: false, epoch: 7, version: 3 },
      { server: 'server3', seenAt: null, stale: true, epoch: null, version: null },
    ]);
  });

  test('newer: another board (a restart), or more changes on the same one', () => {
    const kept = fromServer2();
    expect(isNewer(undefined, 1, 0)).toBe(true);
    expect(isNewer(kept, 7, 4)).toBe(true);
    expect(isNewer(kept, 7, 3)).toBe(false);
    expect(isNewer(kept, 7, 2)).toBe(false);
    expect(isNewer(kept, 8, 0)).toBe(true);
  });
});
