// From the cluster configuration to the BMCs this server checks and may fence, and from a
// password reference to a resolved target. Credentials are read once, when a checker starts,
// through backend/config/secrets.ts; a failure names the server and the reference (file path
// or variable name), never the value.

import { readSecret as readConfigSecret } from '../config/secrets';
import type { ClusterConfig, SecretRef } from '../config/model';
import { SecretValue } from './secret-value';
import type { BmcEndpoint, IpmiTarget } from './types';

export interface BmcPeer {
  server: string;
  /** Where presence pings go: the server's address on the first `bmc` interconnect, else its BMC address. */
  ping: BmcEndpoint;
  /** Where ipmitool goes, and as whom. */
  ipmi: BmcEndpoint & { user: string; password: SecretRef; cipherSuite: number };
}

export type SecretReader = (ref: SecretRef) => string;

/** Every other server that has a BMC, in configuration (priority) order. */
export function bmcPeersFromConfig(config: ClusterConfig, self: string): BmcPeer[] {
  // Interconnects are listed in priority order: the first bmc route is the one to watch.
  const route = config.interconnects.find((ic) => ic.type === 'bmc');
  const peers: BmcPeer[] = [];
  for (const s of config.servers) {
    if (s.name === self || s.bmc === undefined) {
      continue;
    }
    const ipmi = {
      address: s.bmc.address,
      port: s.bmc.port,
      user: s.bmc.user,
      password: s.bmc.password,
      cipherSuite: s.bmc.cipherSuite,
    };
    const routeAddress = route?.addresses[s.name];
    const ping =
      routeAddress !== undefined
        ? { address: routeAddress, port: route?.port ?? s.bmc.port }
        : { address: ipmi.address, port: ipmi.port };
    peers.push({ server: s.name, ping, ipmi });
  }
  return peers;
}

/** `file /run/secrets/bmc` or `env BMC_PASSWORD`: how a reference is named in errors. */
export function describeSecretRef(ref: SecretRef): string {
  return ref.env !== undefined ? `env ${ref.env}` : `file ${ref.file ?? '?'}`;
}

export function resolveIpmiTarget(peer: BmcPeer, read: SecretReader = (ref) => readConfigSecret(ref)): IpmiTarget {
  let password: string;
  try {
    password = read(peer.ipmi.password);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'unreadable';
    throw new Error(`server "${peer.server}": BMC password (${describeSecretRef(peer.ipmi.password)}): ${why}`);
  }
  return {
    address: peer.ipmi.address,
    port: peer.ipmi.port,
    user: peer.ipmi.user,
    cipherSuite: peer.ipmi.cipherSuite,
    password: new SecretValue(password),
  };
}

/** Resolves every peer; throws one error listing every peer whose password could not be read. */
export function resolveIpmiTargets(peers: BmcPeer[], read?: SecretReader): Map<string, IpmiTarget> {
  const targets = new Map<string, IpmiTarget>();
  const problems: string[] = [];
  for (const peer of peers) {
    try {
      targets.set(peer.server, resolveIpmiTarget(peer, read));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new Error(`cannot read BMC credentials: ${problems.join('; ')}`);
  }
  return targets;
}
