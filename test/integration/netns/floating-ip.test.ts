/**
 * The floating-ip driver against real kernels: three hosts on one bridge, the driver run
 * inside a host's namespace by test/integration/children/floating-ip.js (one start or stop
 * per process, like an agent restart between actions). host3 plays the client. What makes
 * a move a failover is host3's neighbour entry: it must show the new holder's MAC as soon as
 * the start returns, which only the gratuitous ARP achieves (the control step shows the
 * entry staying on the old MAC without it).
 *
 * Reachability is a TCP connection to a closed port: the holder answers with a reset, and a
 * host that no longer holds the address drops the packet. (No ping: it is not among the
 * tools the tests install.)
 */
import path from 'node:path';
import type { ActionResult } from '../../../backend/groups/resources/types';
import { createLab, type NetnsLab } from '../../support/netns';
import {
  addresses as addressesOf,
  inHost as inHostOf,
  mac as macOf,
  neighbour as neighbourOf,
  reach as reachOf,
} from '../../support/netns-agents';

const CHILD = path.resolve(__dirname, '..', 'children', 'floating-ip.js');
const VIP = '10.231.1.100';
const VIP6 = 'fd00:231::100';

let lab: NetnsLab;

function driver(host: number, action: 'start' | 'stop', address = VIP, prefix = 24): ActionResult {
  const r = lab.exec(lab.host(host), [process.execPath, CHILD, action, address, String(prefix), 'eth1']);
  if (r.code !== 0) {
    throw new Error(`driver child in host${host} exited ${r.code}: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as ActionResult;
}

// The helpers, bound to this lab and interface.
const inHost = (host: number, argv: string[]) => inHostOf(lab, host, argv);
const addresses = (host: number) => addressesOf(lab, host, 'eth1');
const mac = (host: number) => macOf(lab, host, 'eth1');
const neighbour = (host: number, address: string) => neighbourOf(lab, host, address, 'eth1');
const reach = (host: number, address: string) => reachOf(lab, host, address);

beforeAll(() => {
  lab = createLab(3, 1);
});

afterAll(async () => {
  await lab?.destroy();
});

describe('floating IPv4 address moved between three hosts on one bridge', () => {
  test('start on host1 adds it; host3 reaches it at host1 MAC', () => {
    const r = driver(1, 'start');
    expect([r.ok, r.detail]).toEqual([true, `${VIP}/24 added on eth1, announced by gratuitous ARP`]);
    expect(addresses(1)).toContain(`${VIP}/24`);
    expect(reach(3, VIP)).toBe('ECONNREFUSED');
    expect(neighbour(3, VIP)).toBe(mac(1));
  });

  test('start on host2 while host1 holds it is refused as a duplicate, and adds nothing', () => {
    const r = driver(2, 'start');
    expect([r.ok, r.detail]).toEqual([
      false,
      `${VIP} is in use by another host on eth1 (ARP duplicate probe answered)`,
    ]);
    expect(addresses(2)).not.toContain(`${VIP}/24`);
  });

  test('stop on host1, start on host2: host3 sends to host2 MAC at once', () => {
    expect(driver(1, 'stop')).toMatchObject({ ok: true, detail: `${VIP}/24 removed from eth1` });
    expect(addresses(1)).not.toContain(`${VIP}/24`);

    // Control: the same move with a plain `ip addr add` leaves host3 on host1's MAC.
    inHost(2, ['ip', 'addr', 'add', `${VIP}/24`, 'dev', 'eth1']);
    expect(neighbour(3, VIP)).toBe(mac(1));
    inHost(2, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth1']);

    const r = driver(2, 'start');
    expect([r.ok, r.detail]).toEqual([true, `${VIP}/24 added on eth1, announced by gratuitous ARP`]);
    expect(neighbour(3, VIP)).toBe(mac(2));
    expect(reach(3, VIP)).toBe('ECONNREFUSED');
  });

  test('start again on the holder is idempotent; stop twice is fine', () => {
    expect(driver(2, 'start')).toMatchObject({ ok: true, detail: expect.stringContaining('already present on eth1') });
    expect(driver(2, 'stop')).toMatchObject({ ok: true, detail: `${VIP}/24 removed from eth1` });
    expect(driver(2, 'stop')).toMatchObject({ ok: true, detail: `${VIP}/24 already absent from eth1` });
    expect(addresses(2)).not.toContain(`${VIP}/24`);
  });
});

describe('floating IPv6 address (kernel DAD)', () => {
  test('start on host1 waits out DAD; a second holder is refused and its address removed', () => {
    const r = driver(1, 'start', VIP6, 64);
    expect(r.ok).toBe(true);
    expect(r.detail).toMatch(/^fd00:231::100\/64 added on eth1 after DAD; no unsolicited neighbour advertisement/);
    expect(addresses(1)).toContain(`${VIP6}/64`);
    // The lab gives hosts IPv4 only: host3 needs an address on the prefix to be a client.
    inHost(3, ['ip', '-6', 'addr', 'add', 'fd00:231::3/64', 'dev', 'eth1', 'nodad']);
    expect(reach(3, VIP6)).toBe('ECONNREFUSED');

    const dup = driver(2, 'start', VIP6, 64);
    expect([dup.ok, dup.detail]).toEqual([
      false,
      `${VIP6} is in use by another host on eth1 (IPv6 DAD failed); removed again`,
    ]);
    expect(inHost(2, ['ip', '-6', 'addr', 'show', 'dev', 'eth1'])).not.toContain(VIP6);

    expect(driver(1, 'stop', VIP6, 64)).toMatchObject({ ok: true, detail: `${VIP6}/64 removed from eth1` });
    expect(addresses(1)).not.toContain(`${VIP6}/64`);
  });
});
