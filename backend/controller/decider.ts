/**
 * Which server decides. Every group start in the cluster (automatic start, takeover,
 * operator request, recovery) is decided by one server, so two requests that reach two
 * agents at the same moment are put in one order instead of both succeeding. The decider
 * is the first server in the configured order that is alive as this server sees it:
 * itself, a peer it hears (unless the guard counts it as silent: a one-way link), or a peer
 * it does not hear but that another peer it hears still hears (alive beyond a broken
 * link, so it keeps deciding and nobody below it starts deciding too).
 *
 * Views differ for a heartbeat or so while the cluster changes; claims (groups/claims.ts)
 * settle the rare double grant that this leaves, and the partition guard keeps a cut-off
 * side from deciding at all.
 */
import type { ClusterConfig } from '../config/model';
import type { ServerState } from '../membership';
import { isSilentState } from '../protection/guard';

export interface DeciderPeer {
  server: string;
  state: ServerState;
  hears: string[] | null;
  /** The heartbeat version the peer sends: agents before version 2 do not decide. */
  version?: number;
}

export interface DeciderInput {
  config: Pick<ClusterConfig, 'servers'>;
  self: string;
  peers: DeciderPeer[];
  /** Peers the guard counts as silent (guard.silentPeers). */
  silent: readonly string[];
  /** Peers that left, were fenced or confirmed down: not members now. */
  gone: readonly string[];
}

export function aliveServers(input: DeciderInput): string[] {
  const heard = input.peers.filter(
    (p) => (p.state === 'online' || p.state === 'suspect') && !input.silent.includes(p.server)
  );
  const alive = new Set<string>([input.self]);
  for (const p of input.peers) {
    if (input.gone.includes(p.server)) {
      continue;
    }
    if (heard.includes(p) || (isSilentState(p.state) && heard.some((q) => q.hears?.includes(p.server)))) {
      alive.add(p.server);
    }
  }
  return input.config.servers.map((s) => s.name).filter((s) => alive.has(s));
}

/**
 * During a rolling upgrade, agents of the previous version (heartbeat version 1) coordinate
 * their own requests as they always did and know nothing of deciding: the decider is the
 * first alive server that runs this version.
 */
export function deciderOf(input: DeciderInput): string {
  const old = new Set(input.peers.filter((p) => (p.version ?? 2) < 2).map((p) => p.server));
  return aliveServers(input).find((s) => !old.has(s)) ?? input.self;
}
