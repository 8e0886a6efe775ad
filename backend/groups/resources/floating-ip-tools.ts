/**
 * The pure half of the floating-ip driver: the argument lists it gives `ip` and `arping`
 * (iputils), and what it reads back from `ip -j addr show`. Kept apart so unit tests can
 * cover them with output captured from the real tools (test/fixtures/ip/).
 */
import { isIPv4 } from '../../config/model/primitives';

interface Target {
  address: string;
  prefix: number;
  interface: string;
}

export interface AddrEntry {
  ifname: string;
  address: string;
  prefix: number;
  /** IPv6: duplicate address detection has not finished (or has failed). */
  tentative: boolean;
  dadFailed: boolean;
}

export const toolArgs = {
  show: () => ['-j', 'addr', 'show'],
  add: (t: Target) => [family(t), 'addr', 'add', `${t.address}/${t.prefix}`, 'dev', t.interface],
  del: (t: Target) => [family(t), 'addr', 'del', `${t.address}/${t.prefix}`, 'dev', t.interface],
  // Two probes with a second each to be answered: exit 0 = nobody answered, 1 = someone did.
  dad: (t: Target) => ['-D', '-q', '-c', '2', '-w', '2', '-I', t.interface, t.address],
  // Unsolicited ARP requests (RFC 5227 announcements). Two, a second apart, in case the first
  // is lost; -w 1 ends arping right after the second instead of a second later.
  announce: (t: Target) => ['-U', '-q', '-c', '2', '-w', '1', '-I', t.interface, t.address],
};

function family(t: Target): string {
  return isIPv4(t.address) ? '-4' : '-6';
}

export interface AddrShow {
  links: string[];
  addresses: AddrEntry[];
}

/** The links and addresses in `ip -j addr show` output; undefined if it is not that JSON. */
export function parseAddrShow(text: string): AddrShow | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(data)) {
    return undefined;
  }
  const shown: AddrShow = { links: [], addresses: [] };
  // Some iproute2 versions emit `{}` for links a filter skipped: only complete items count.
  for (const link of data as Array<{ ifname?: unknown; addr_info?: unknown }>) {
    if (typeof link?.ifname !== 'string') {
      continue;
    }
    shown.links.push(link.ifname);
    const infos = Array.isArray(link.addr_info) ? (link.addr_info as Array<Record<string, unknown>>) : [];
    for (const a of infos) {
      if (typeof a.local === 'string' && typeof a.prefixlen === 'number') {
        shown.addresses.push({
          ifname: link.ifname,
          address: a.local,
          prefix: a.prefixlen,
          tentative: a.tentative === true,
          dadFailed: a.dadfailed === true,
        });
      }
    }
  }
  return shown;
}

export type Placement =
  | { kind: 'no-interface' }
  | { kind: 'absent' }
  | { kind: 'present'; entry: AddrEntry }
  | { kind: 'other-prefix'; entry: AddrEntry }
  | { kind: 'elsewhere'; entry: AddrEntry };

/** Where the floating address is now, seen from the interface it belongs on. */
export function placeAddress(shown: AddrShow, t: Target): Placement {
  if (!shown.links.includes(t.interface)) {
    return { kind: 'no-interface' };
  }
  const want = canonical(t.address);
  const same = shown.addresses.filter((e) => canonical(e.address) === want);
  const here = same.filter((e) => e.ifname === t.interface);
  const exact = here.find((e) => e.prefix === t.prefix);
  if (exact) {
    return { kind: 'present', entry: exact };
  }
  if (here.length > 0) {
    return { kind: 'other-prefix', entry: here[0] };
  }
  if (same.length > 0) {
    return { kind: 'elsewhere', entry: same[0] };
  }
  return { kind: 'absent' };
}

/** ip prints IPv6 compressed and lower-case; the configuration may spell it otherwise. */
export function canonical(address: string): string {
  if (isIPv4(address) || !address.includes(':')) {
    return address;
  }
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}
