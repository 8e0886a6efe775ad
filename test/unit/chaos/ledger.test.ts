/**
 * The chaos rig's ledger checker (test/support/chaos/ledger.ts): it must see every way two
 * copies of a group can be active at once, and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { copies, overlaps, readLedger, runningHosts, SILENCE_MS } from '../../support/chaos/ledger';
import { tempDir } from '../../support/isolation';

const dir = tempDir('lifeline-ledger-');

function ledger(lines: string[]) {
  const file = path.join(dir, `ledger-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return readLedger(file);
}

/** A copy writing start at `from`, alive every 50 ms, and stop at `to` unless killed. */
function copy(host: string, group: string, pid: number, from: number, to: number, killed = false): string[] {
  const out = [`${host} ${group} start ${from} ${pid}`];
  for (let t = from + 50; t < to; t += 50) {
    out.push(`${host} ${group} alive ${t} ${pid}`);
  }
  if (!killed) {
    out.push(`${host} ${group} stop ${to} ${pid}`);
  }
  return out;
}

test('a clean move (stop, then start elsewhere) is no overlap', () => {
  const l = ledger([...copy('server1', 'g1', 10, 1000, 2000), ...copy('server2', 'g1', 20, 2010, 3000)]);
  expect(overlaps(l)).toEqual([]);
  expect(copies(l).map((c) => [c.host, c.from, c.to, c.stopped])).toEqual([
    ['server1', 1000, 2000, true],
    ['server2', 2010, 3000, true],
  ]);
});

test('two hosts active at once are an overlap, with the interval and the proving lines', () => {
  const l = ledger([...copy('server1', 'g1', 10, 1000, 2000), ...copy('server2', 'g1', 20, 1500, 3000)]);
  const [o, ...more] = overlaps(l);
  expect(more).toEqual([]);
  expect([o.group, o.from, o.to]).toEqual(['g1', 1500, 2000]);
  expect(o.evidence).toContain('ran on server1 and server2 at once for 500 ms');
  expect(o.evidence).toContain('"server2 g1 start 1500 20"');
  expect(o.evidence).toContain('"server1 g1 stop 2000 10"');
});

test('a killed copy (no stop line) counts as active until one period after its last line', () => {
  // Last alive at 1950: it may have lived until 2000, so a start at 1990 overlaps and 2010 does not.
  const killed = copy('server1', 'g1', 10, 1000, 1960, true);
  expect(overlaps(ledger([...killed, ...copy('server2', 'g1', 20, 1990, 3000)]))).toHaveLength(1);
  expect(overlaps(ledger([...killed, ...copy('server2', 'g1', 20, 2010, 3000)]))).toEqual([]);
});

test('two copies on one host are an overlap; different groups never are', () => {
  expect(
    overlaps(ledger([...copy('server1', 'g1', 10, 1000, 2000), ...copy('server1', 'g1', 11, 1200, 1800)]))[0].evidence
  ).toContain('twice on server1');
  expect(
    overlaps(ledger([...copy('server1', 'g1', 10, 1000, 2000), ...copy('server2', 'g2', 20, 1000, 2000)]))
  ).toEqual([]);
});

test('since: an overlap that ended before it is not reported; one still going is', () => {
  const l = ledger([...copy('server1', 'g1', 10, 1000, 2000), ...copy('server2', 'g1', 20, 1500, 3000)]);
  expect(overlaps(l, 2500)).toEqual([]);
  expect(overlaps(l, 1900)).toHaveLength(1);
});

test('running: a copy without stop line that wrote recently; a silent one has stopped', () => {
  const now = 10_000;
  const l = ledger([
    ...copy('server1', 'g1', 10, now - 3000, now - 20, true),
    ...copy('server2', 'g1', 20, now - 9000, now - SILENCE_MS - 100, true),
    ...copy('server3', 'g1', 30, now - 3000, now - 1000),
  ]);
  expect(runningHosts(l, 'g1', now)).toEqual(['server1']);
});

test('torn or foreign lines are ignored', () => {
  const l = ledger(['', 'garbage', 'server1 g1 sta', ...copy('server1', 'g1', 10, 1000, 1100)]);
  expect(copies(l)).toHaveLength(1);
});
