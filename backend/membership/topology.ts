/**
 * The parts of the cluster configuration membership needs, resolved once for one server:
 * who the peers are and, per LAN interconnect, which address and port this server uses and
 * where each peer is reached. BMC interconnects carry no heartbeats; a peer's BMC evidence
 * is fed in from outside (`reportBmc`).
 */
import { isIPv6 } from 'node:net';
import { DEFAULT_HEARTBEAT_PORT, type ClusterConfig } from '../config/model';

/**
 * The text form the operating system reports source addresses in (RFC 5952 for IPv6:
 * lower case, longest zero run compressed), so that a configured `FE80:0:0::1` matches a
 * datagram from `fe80::1`.
 */
export function canonicalAddress(address: string): string {
  return isIPv6(address) ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
}

export interface LanInterconnect {
  /** Index in `config.interconnects` (0 = highest priority); the metric label and wire field. */
  index: number;
  port: number;
  /** This server's address on the interconnect: where its socket binds. */
  localAddress: string;
  /** Peer name -> the peer's address on this interconnect. */
  peers: Map<string, string>;
}

export interface PeerInfo {
  name: string;
  /** Position in `config.servers` (0 = master). */
  index: number;
  bmcConfigured: boolean;
}

export interface Topology {
  cluster: string;
  self: string;
  /** Every server in priority order, self included (the order of the `hears` bitmap). */
  servers: string[];
  /** Failover group names in configuration order (the order of the `groups` bitmap). */
  groups: string[];
  peers: PeerInfo[];
  lan: LanInterconnect[];
}

/** Throws an Error naming the problem when `self` cannot run heartbeats with this configuration. */
export function resolveTopology(config: ClusterConfig, self: string): Topology {
  const servers = config.servers.map((s) => s.name);
  if (!servers.includes(self)) {
    throw new Error(`server "${self}" is not in the configuration (servers: ${servers.join(', ')})`);
  }
  const lan: LanInterconnect[] = [];
  config.interconnects.forEach((ic, index) => {
    if (ic.type !== 'lan') {
      return;
    }
    const localAddress = ic.addresses[self] && canonicalAddress(ic.addresses[self]);
    if (localAddress === undefined) {
      throw new Error(`interconnects[${index}] has no address for this server "${self}"`);
    }
    const peers = new Map<string, string>();
    for (const name of servers) {
      const address = ic.addresses[name];
      if (name !== self && address !== undefined) {
        peers.set(name, canonicalAddress(address));
      }
    }
    lan.push({ index, port: ic.port ?? DEFAULT_HEARTBEAT_PORT, localAddress, peers });
  });
  if (lan.length === 0) {
    throw new Error('the configuration has no lan interconnect: heartbeats need at least one');
  }
  return {
    cluster: config.cluster.name,
    self,
    servers,
    groups: config.groups.map((g) => g.name),
    peers: config.servers
      .map((s, index) => ({ name: s.name, index, bmcConfigured: s.bmc !== undefined }))
      .filter((p) => p.name !== self),
    lan,
  };
}
