// The floating-ip driver with a fake tool runner: what it reads from `ip -j addr show`
// (output captured from the real iproute2, test/fixtures/ip/), which tools it calls in
// which order, and how each outcome becomes one ActionResult.
import fs from 'node:fs';
import path from 'node:path';
import {
  ACTION_BUDGET_MS,
  FloatingIpDriver,
  type FloatingIp,
  type ToolRun,
  type ToolRunner,
} from '../../../backend/groups/resources/floating-ip';
import { canonical, parseAddrShow, placeAddress, toolArgs } from '../../../backend/groups/resources/floating-ip-tools';
import type { ActionContext } from '../../../backend/groups/resources/types';
import type { Clock } from '../../../backend/time/clock';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/ip', name), 'utf8');
// h1 of the lab: eth1 holds 10.231.1.1/24 and 10.231.1.100/24, vx0 holds 10.231.9.100/24.
const V4 = fixture('addr-show-v4-secondary.json');
const V6_TENTATIVE = fixture('addr-show-dev-v6-tentative.json');
const V6_DONE = fixture('addr-show-dev-v6-done.json');
const V6_DADFAILED = fixture('addr-show-dev-v6-dadfailed.json');

const CTX: ActionContext = { group: 'g', server: 's1', event: 'START' };

function vip(address: string, prefix = 24, iface = 'eth1'): FloatingIp {
  return { name: 'vip', type: 'floating-ip', address, prefix, interface: iface, dependsOn: [] };
}

const ok = (output = ''): ToolRun => ({ exitCode: 0, output, timedOut: false });
const exit = (code: number, output = ''): ToolRun => ({ exitCode: code, output, timedOut: false });

/**
 * Answers `ip -j addr show` from a list of outputs (the last one repeats) and every other
 * call from `answer` (default: success; `arping -V` answers like iputils).
 */
function fakeRunner(shows: string[], answer: (line: string) => ToolRun | undefined = () => undefined) {
  const calls: string[] = [];
  let n = 0;
  const runner: ToolRunner = async (file, args) => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    if (line === 'ip -j addr show') {
      return ok(shows[Math.min(n++, shows.length - 1)]);
    }
    return answer(line) ?? (line === 'arping -V' ? ok(fixture('arping-version.txt')) : ok());
  };
  return { runner, calls };
}

/** A clock that reads `now` and whose waits end at once (time moves only when a test says so). */
function instantClock(now: () => number = () => 0): Clock {
  return {
    now,
    wallNow: now,
    setTimer(_ms, fn) {
      fn();
      return { cancel: () => undefined };
    },
  };
}

function driver(runner: ToolRunner, ndiscNotify?: string) {
  return new FloatingIpDriver({ runner, clock: instantClock(), sysctl: () => ndiscNotify });
}

describe('ip -j addr show parsing', () => {
  test('links and addresses from the real output, secondary addresses included', () => {
    const shown = parseAddrShow(V4)!;
    expect(shown.links).toEqual(['lo', 'eth1', 'vx1', 'vx0']);
    expect(shown.addresses.filter((a) => a.ifname === 'eth1').map((a) => `${a.address}/${a.prefix}`)).toEqual([
      '10.231.1.1/24',
      '10.231.1.100/24',
      'fe80::28dd:c4ff:fe00:363a/64',
    ]);
  });

  test.each([
    { file: 'tentative', text: V6_TENTATIVE, tentative: true, dadFailed: false },
    { file: 'done', text: V6_DONE, tentative: false, dadFailed: false },
    { file: 'dadfailed', text: V6_DADFAILED, tentative: true, dadFailed: true },
  ])('IPv6 DAD state of fd00:231::100: $file', ({ text, tentative, dadFailed }) => {
    const entry = parseAddrShow(text)!.addresses.find((a) => a.address === 'fd00:231::100');
    expect(entry).toMatchObject({ ifname: 'eth1', prefix: 64, tentative, dadFailed });
  });

  test('not JSON, or not a list: undefined; empty objects from filtered links are skipped', () => {
    expect(parseAddrShow('Object "addr" is unknown')).toBeUndefined();
    expect(parseAddrShow('{}')).toBeUndefined();
    expect(parseAddrShow('[{},{"ifname":"eth1"}]')).toEqual({ links: ['eth1'], addresses: [] });
  });
});

describe('where the address is', () => {
  const shown = parseAddrShow(V4)!;
  test.each([
    ['10.231.1.100', 24, 'eth1', 'present'],
    // 10.231.1.1/24 is in the same subnet: a prefix match ("ip addr show to") would find it.
    ['10.231.1.50', 24, 'eth1', 'absent'],
    ['10.231.1.100', 16, 'eth1', 'other-prefix'],
    ['10.231.9.100', 24, 'eth1', 'elsewhere'],
    ['10.231.1.100', 24, 'eth7', 'no-interface'],
  ])('%s/%d on %s: %s', (address, prefix, iface, kind) => {
    expect(placeAddress(shown, vip(address, prefix, iface)).kind).toBe(kind);
  });

  test('IPv6 spelled differently in the configuration still matches', () => {
    expect(canonical('FD00:0231:0:0::0100')).toBe('fd00:231::100');
    expect(placeAddress(parseAddrShow(V6_DONE)!, vip('FD00:231::0100', 64)).kind).toBe('present');
  });
});

describe('argument lists', () => {
  test('IPv4 and IPv6', () => {
    expect(toolArgs.add(vip('10.231.1.100'))).toEqual(['-4', 'addr', 'add', '10.231.1.100/24', 'dev', 'eth1']);
    expect(toolArgs.del(vip('fd00::1', 64))).toEqual(['-6', 'addr', 'del', 'fd00::1/64', 'dev', 'eth1']);
    expect(toolArgs.dad(vip('10.231.1.100'))).toEqual(['-D', '-q', '-c', '2', '-w', '2', '-I', 'eth1', '10.231.1.100']);
    expect(toolArgs.announce(vip('10.231.1.100'))).toEqual([
      '-U',
      '-q',
      '-c',
      '2',
      '-w',
      '1',
      '-I',
      'eth1',
      '10.231.1.100',
    ]);
  });
});

describe('start (IPv4)', () => {
  test('absent: duplicate probe, add, announce, in that order', async () => {
    const { runner, calls } = fakeRunner([V4]);
    const r = await driver(runner).run(vip('10.231.1.50'), 'start', CTX);
    expect(r).toMatchObject({ ok: true, detail: '10.231.1.50/24 added on eth1, announced by gratuitous ARP' });
    expect(calls).toEqual([
      'ip -j addr show',
      'arping -V',
      'arping -D -q -c 2 -w 2 -I eth1 10.231.1.50',
      'ip -4 addr add 10.231.1.50/24 dev eth1',
      'arping -U -q -c 2 -w 1 -I eth1 10.231.1.50',
    ]);
  });

  test('already present: no probe (it would not see itself), no add, announced again', async () => {
    const { runner, calls } = fakeRunner([V4]);
    const r = await driver(runner).run(vip('10.231.1.100'), 'start', CTX);
    expect(r).toMatchObject({ ok: true, detail: expect.stringContaining('already present on eth1') });
    expect(calls).toEqual(['ip -j addr show', 'arping -U -q -c 2 -w 1 -I eth1 10.231.1.100']);
  });

  test.each([
    ['10.231.9.100', 24, 'eth1', '10.231.9.100 is already on vx0, not eth1'],
    ['10.231.1.100', 16, 'eth1', '10.231.1.100 is already on eth1 as /24, not /16'],
    ['10.231.1.100', 24, 'eth7', 'interface eth7 does not exist'],
  ])('%s/%d on %s: refused without touching anything', async (address, prefix, iface, detail) => {
    const { runner, calls } = fakeRunner([V4]);
    const r = await driver(runner).run(vip(address, prefix, iface), 'start', CTX);
    expect(r).toMatchObject({ ok: false, detail });
    expect(calls).toEqual(['ip -j addr show']);
  });

  test('another host answers the duplicate probe: refused, nothing added', async () => {
    const { runner, calls } = fakeRunner([V4], (line) => (line.startsWith('arping -D') ? exit(1) : undefined));
    const r = await driver(runner).run(vip('10.231.1.50'), 'start', CTX);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^10\.231\.1\.50 is in use by another host on eth1/);
    expect(calls.some((c) => c.startsWith('ip -4 addr add'))).toBe(false);
  });

  test('the probe itself fails: the tool output is the detail', async () => {
    const said = 'arping: Device eth1 not available.';
    const { runner } = fakeRunner([V4], (line) => (line.startsWith('arping -D') ? exit(2, said) : undefined));
    const r = await driver(runner).run(vip('10.231.1.50'), 'start', CTX);
    expect(r).toMatchObject({ ok: false, detail: `duplicate address probe failed: exit 2: ${said}` });
  });

  test('ip addr add fails: no announcement', async () => {
    const said = 'Error: ipv4: Address already assigned.';
    const { runner, calls } = fakeRunner([V4], (line) =>
      line.startsWith('ip -4 addr add') ? exit(2, said) : undefined
    );
    const r = await driver(runner).run(vip('10.231.1.50'), 'start', CTX);
    expect(r).toMatchObject({ ok: false, detail: `ip -4 addr add 10.231.1.50/24 dev eth1: exit 2: ${said}` });
    expect(calls.some((c) => c.startsWith('arping -U'))).toBe(false);
  });

  test('announcement fails: the address is removed again and the start fails', async () => {
    const { runner, calls } = fakeRunner([V4], (line) =>
      line.startsWith('arping -U') ? exit(2, 'arping: sendto: Network is down') : undefined
    );
    const r = await driver(runner).run(vip('10.231.1.50'), 'start', CTX);
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(
      'gratuitous ARP failed (exit 2: arping: sendto: Network is down); 10.231.1.50/24 removed again'
    );
    expect(calls.at(-1)).toBe('ip -4 addr del 10.231.1.50/24 dev eth1');
  });

  test('missing tools are named with their Debian package', async () => {
    const enoent = (file: string): ToolRun => ({
      ...exit(-1),
      exitCode: null,
      spawnError: `ENOENT: spawn ${file} ENOENT`,
    });
    const noArping = fakeRunner([V4], (line) => (line.startsWith('arping') ? enoent('arping') : undefined));
    expect((await driver(noArping.runner).run(vip('10.231.1.50'), 'start', CTX)).detail).toBe(
      'arping not found: install iputils-arping'
    );
    const noIp: ToolRunner = async (file) => enoent(file);
    expect((await driver(noIp).run(vip('10.231.1.50'), 'stop', CTX)).detail).toBe(
      'ip -j addr show: ip not found: install iproute2'
    );
  });

  test('an arping that is not the iputils one is refused before it is trusted', async () => {
    const { runner, calls } = fakeRunner([V4], (line) =>
      line === 'arping -V' ? ok('ARPing 2.23, by Thomas Habets') : undefined
    );
    const r = await driver(runner).run(vip('10.231.1.50'), 'start', CTX);
    expect(r).toMatchObject({ ok: false, detail: 'arping is not the iputils one: install iputils-arping' });
    expect(calls).toHaveLength(2);
  });

  test('a runner that throws still gives a result', async () => {
    const r = await driver(async () => Promise.reject(new Error('boom'))).run(vip('10.231.1.50'), 'start', CTX);
    expect(r).toMatchObject({ ok: false, detail: expect.stringContaining('Error: boom') });
  });
});

describe('time budget', () => {
  /** A runner whose every call takes `costMs` on a fake clock; records the timeouts it was given. */
  function slowRunner(costMs: number) {
    let clock = 0;
    const timeouts: Array<[string, number]> = [];
    const inner = fakeRunner([V4]);
    const runner: ToolRunner = async (file, args, timeoutMs) => {
      timeouts.push([[file, ...args].join(' '), timeoutMs]);
      clock += costMs;
      return inner.runner(file, args, timeoutMs);
    };
    return { runner, timeouts, now: () => clock };
  }

  test('calls are cut to what is left of the budget; once it is spent nothing more runs', async () => {
    const slow = slowRunner(5000);
    const r = await new FloatingIpDriver({ runner: slow.runner, clock: instantClock(slow.now) }).run(
      vip('10.231.1.50'),
      'start',
      CTX
    );
    expect(r).toMatchObject({
      ok: false,
      detail: `ip -4 addr add 10.231.1.50/24 dev eth1: cannot run ip: ${ACTION_BUDGET_MS} ms budget spent`,
    });
    expect(slow.timeouts).toEqual([
      ['ip -j addr show', 3000],
      ['arping -V', 3000],
      ['arping -D -q -c 2 -w 2 -I eth1 10.231.1.50', ACTION_BUDGET_MS - 10_000],
    ]);
  });

  test('the budget runs out after the add: the address is still removed, with time of its own', async () => {
    const slow = slowRunner(3000);
    const r = await new FloatingIpDriver({ runner: slow.runner, clock: instantClock(slow.now) }).run(
      vip('10.231.1.50'),
      'start',
      CTX
    );
    expect(r).toMatchObject({
      ok: false,
      detail: `gratuitous ARP failed (cannot run arping: ${ACTION_BUDGET_MS} ms budget spent); 10.231.1.50/24 removed again`,
      durationMs: 5 * 3000,
    });
    expect(slow.timeouts.at(-1)).toEqual(['ip -4 addr del 10.231.1.50/24 dev eth1', 2000]);
  });
});

describe('start (IPv6)', () => {
  test('added, then polled until DAD is done; the detail says whether neighbours were told', async () => {
    const { runner, calls } = fakeRunner([V4, V6_TENTATIVE, V6_TENTATIVE, V6_DONE]);
    const r = await driver(runner).run(vip('fd00:231::100', 64), 'start', CTX);
    expect(r.ok).toBe(true);
    expect(r.detail).toMatch(
      /^fd00:231::100\/64 added on eth1 after DAD; no unsolicited neighbour advertisement: set net\.ipv6\.conf\.eth1\.ndisc_notify=1/
    );
    expect(calls.filter((c) => c === 'ip -j addr show')).toHaveLength(4);
    expect(calls).toContain('ip -6 addr add fd00:231::100/64 dev eth1');
    const notified = await driver(fakeRunner([V4, V6_DONE]).runner, '1').run(vip('fd00:231::100', 64), 'start', CTX);
    expect(notified.detail).toMatch(/unsolicited neighbour advertisement sent \(ndisc_notify=1\)$/);
  });

  test('DAD fails: removed again, start fails', async () => {
    const { runner, calls } = fakeRunner([V4, V6_TENTATIVE, V6_DADFAILED]);
    const r = await driver(runner).run(vip('fd00:231::100', 64), 'start', CTX);
    expect(r).toMatchObject({
      ok: false,
      detail: 'fd00:231::100 is in use by another host on eth1 (IPv6 DAD failed); removed again',
    });
    expect(calls.at(-1)).toBe('ip -6 addr del fd00:231::100/64 dev eth1');
  });

  test('still tentative after the wait: removed again, start fails', async () => {
    const { runner, calls } = fakeRunner([V4, V6_TENTATIVE]);
    const r = await new FloatingIpDriver({ runner, clock: instantClock(), dadWaitMs: 500 }).run(
      vip('fd00:231::100', 64),
      'start',
      CTX
    );
    expect(r).toMatchObject({
      ok: false,
      detail: 'fd00:231::100/64 still tentative after 500 ms (is eth1 up?); removed again',
    });
    expect(calls.filter((c) => c === 'ip -j addr show')).toHaveLength(7);
  });
});

describe('start (IPv6), out of time', () => {
  test('the budget runs out while DAD is pending: the tentative address is removed', async () => {
    let clock = 0;
    const { runner, calls } = fakeRunner([V4, V6_TENTATIVE]);
    const slow: ToolRunner = (file, args, timeoutMs) => {
      clock += 1000;
      return runner(file, args, timeoutMs);
    };
    const r = await new FloatingIpDriver({ runner: slow, clock: instantClock(() => clock) }).run(
      vip('fd00:231::100', 64),
      'start',
      CTX
    );
    expect(r).toMatchObject({
      ok: false,
      detail: `ip -j addr show: cannot run ip: ${ACTION_BUDGET_MS} ms budget spent; fd00:231::100/64 removed again`,
    });
    expect(calls.at(-1)).toBe('ip -6 addr del fd00:231::100/64 dev eth1');
  });
});

describe('stop', () => {
  test('present: removed', async () => {
    const { runner, calls } = fakeRunner([V4]);
    const r = await driver(runner).run(vip('10.231.1.100'), 'stop', CTX);
    expect(r).toMatchObject({ ok: true, detail: '10.231.1.100/24 removed from eth1' });
    expect(calls).toEqual(['ip -j addr show', 'ip -4 addr del 10.231.1.100/24 dev eth1']);
  });

  test.each([
    ['10.231.1.50', 'eth1'],
    ['10.231.1.100', 'eth7'],
  ])('%s on %s, already absent: success without ip addr del', async (address, iface) => {
    const { runner, calls } = fakeRunner([V4]);
    const r = await driver(runner).run(vip(address, 24, iface), 'stop', CTX);
    expect(r).toMatchObject({ ok: true, detail: `${address}/24 already absent from ${iface}` });
    expect(calls).toEqual(['ip -j addr show']);
  });

  test('on the interface with another prefix: left in place, reported', async () => {
    const { runner, calls } = fakeRunner([V4]);
    const r = await driver(runner).run(vip('10.231.1.100', 16), 'stop', CTX);
    expect(r).toMatchObject({ ok: false, detail: '10.231.1.100 is on eth1 as /24, not /16: left in place' });
    expect(calls).toHaveLength(1);
  });

  test('ip addr del fails: the tool output is the detail', async () => {
    const { runner } = fakeRunner([V4], (line) =>
      line.includes('addr del') ? exit(2, 'RTNETLINK answers: Operation not permitted') : undefined
    );
    const r = await driver(runner).run(vip('10.231.1.100'), 'stop', CTX);
    expect(r).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/exit 2: RTNETLINK answers: Operation not permitted$/),
    });
  });
});
