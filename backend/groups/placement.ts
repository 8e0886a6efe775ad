/**
 * Where each group is and where it should go, decided from what this agent knows: its own
 * groups' states and, for every peer, the membership state and the groups its last
 * heartbeat announced as held. Pure: the same inputs give the same answer on every agent,
 * which is what keeps two agents from choosing two different servers for one group.
 *
 * Who counts as holding a group:
 * - this server, when its resources may be active here (starting, online, stopping, or a
 *   failed stop);
 * - a peer whose heartbeats announce it, while the peer is online or suspect;
 * - a peer that went silent (hung-or-partitioned, unknown) while announcing it: its
 *   resources may still be running, so the group is `unreachable` there, never free;
 * - not a peer whose BMC reports its power off (offline-confirmed): nothing runs on a
 *   server without power.
 */
import type { ClusterConfig, Group } from '../config/model';
import type { ServerState } from '../membership';
import { HOLDING_STATES, type LocalGroupState, type LocalGroupStatus } from './local-groups';

export interface PeerView {
  server: string;
  state: ServerState;
  /** Groups announced as held; null when unknown (never heard, or a different configuration layout). */
  holds: string[] | null;
  /** The claim epoch of each held group (groups/claims.ts). */
  epochs?: Record<string, number> | null;
  /**
   * Heard, but its held groups cannot be read: it runs another group list (a revision
   * applied on one side and not yet on the other, membership/layout.ts). It may hold any
   * group it is a startup server of.
   */
  unreadable?: boolean;
}

export type ClusterGroupState =
  | 'offline'
  | 'starting'
  | 'online'
  | 'stopping'
  | 'start-failed'
  | 'stop-failed'
  /** Held by a server that went silent: its resources may still be active there. */
  | 'unreachable'
  /** Held by more than one server: a double activation, settled by an operator or fencing. */
  | 'conflict';

export interface ClusterGroup {
  name: string;
  state: ClusterGroupState;
  /** The server running the group; null when offline or in conflict. */
  currentServer: string | null;
  holders: string[];
  startupServers: string[];
  /** This server's own state for the group. */
  local: LocalGroupState;
}

export interface PlacementInput {
  config: Pick<ClusterConfig, 'servers' | 'groups'>;
  self: string;
  local: LocalGroupStatus[];
  peers: PeerView[];
  /**
   * Peers known to run nothing although membership cannot show it: fenced through their
   * BMC, or presumed down by partition resolution (split-brain.ts). Treated like
   * offline-confirmed.
   */
  down?: readonly string[];
  /**
   * Peers never heard since this agent started and not known down: they may run anything
   * they are a startup server of (a server cut off before this agent came up, an agent
   * killed with its daemons running), so those groups start nowhere until they are heard,
   * fenced, past their watchdog deadline or confirmed down.
   */
  absent?: readonly string[];
}

/**
 * The peers that may run `group` without saying so, or []: absent ones (see
 * PlacementInput.absent) and heard ones whose held groups cannot be read (PeerView.unreadable).
 */
export function unknownHolders(input: PlacementInput, group: Group): string[] {
  const absent = input.absent ?? [];
  const unreadable = new Set(input.peers.filter((p) => p.unreadable).map((p) => p.server));
  return startupServers(input.config, group).filter(
    (s) => (absent.includes(s) || unreadable.has(s)) && !isDown(input, s)
  );
}

/** A server on which nothing runs: its BMC reports power off, or it is known down. */
export function isDown(input: PlacementInput, server: string | undefined): boolean {
  return (
    server !== undefined &&
    (input.down?.includes(server) === true ||
      input.peers.find((p) => p.server === server)?.state === 'offline-confirmed')
  );
}

export function startupServers(config: Pick<ClusterConfig, 'servers'>, group: Group): string[] {
  return group.startupServers ?? config.servers.map((s) => s.name);
}

/**
 * Silent without proof of being down: the server may be hung or cut off with its resources
 * still active (offline-confirmed, by contrast, has its power off).
 */
export function isSilent(state: ServerState): boolean {
  return state === 'hung-or-partitioned' || state === 'unknown';
}

/** This server (always up, to itself) or a peer heard now. */
export function isUp(input: PlacementInput, server: string): boolean {
  return server === input.self || input.peers.some((p) => p.server === server && p.state === 'online');
}

export function clusterGroups(input: PlacementInput): ClusterGroup[] {
  const local = new Map(input.local.map((l) => [l.group, l]));
  return input.config.groups.map((g) => {
    const mine = local.get(g.name);
    const localState = mine?.state ?? 'offline';
    const holders = holdersOf(g.name, input);
    const base = { name: g.name, holders, startupServers: startupServers(input.config, g), local: localState };
    if (holders.length > 1) {
      return { ...base, state: 'conflict', currentServer: null };
    }
    if (holders.length === 0) {
      return { ...base, state: localState === 'start-failed' ? 'start-failed' : 'offline', currentServer: null };
    }
    const holder = holders[0];
    if (holder === input.self) {
      return { ...base, state: localState, currentServer: holder };
    }
    const peer = input.peers.find((p) => p.server === holder)!;
    return { ...base, state: isSilent(peer.state) ? 'unreachable' : 'online', currentServer: holder };
  });
}

function holdersOf(group: string, input: PlacementInput): string[] {
  const holders: string[] = [];
  for (const s of input.config.servers) {
    if (s.name === input.self) {
      const l = input.local.find((x) => x.group === group);
      if (l && HOLDING_STATES.has(l.state)) {
        holders.push(s.name);
      }
      continue;
    }
    const p = input.peers.find((x) => x.server === s.name);
    if (p && !isDown(input, p.server) && p.holds?.includes(group)) {
      holders.push(s.name);
    }
  }
  return holders;
}

/**
 * The server a group should start on: the first of its startup servers that is up (this
 * server always is, to itself), skipping `exclude`. null when none is.
 */
export function chooseServer(input: PlacementInput, group: Group, exclude: readonly string[] = []): string | null {
  return startupServers(input.config, group).find((s) => !exclude.includes(s) && isUp(input, s)) ?? null;
}

/**
 * Groups the decider starts once the cluster has settled: configured to start
 * automatically, held by nobody (not even a silent server), with the first of their
 * startup servers that is up as the target.
 */
export function autoStartGroups(input: PlacementInput): Array<{ group: string; server: string }> {
  const view = new Map(clusterGroups(input).map((g) => [g.name, g]));
  return input.config.groups.flatMap((g) => {
    const server = chooseServer(input, g);
    const free = view.get(g.name)!.holders.length === 0 && unknownHolders(input, g).length === 0;
    return g.autoStart && server !== null && free ? [{ group: g.name, server }] : [];
  });
}

/**
 * Held groups this server must stop at once: another server heard now holds the same group
 * under a newer claim (a higher epoch; on equal epochs, which only servers predating claims
 * send, the server earlier in the list keeps it).
 */
export function outrankedGroups(input: PlacementInput, myEpochs: ReadonlyMap<string, number>): string[] {
  const order = input.config.servers.map((s) => s.name);
  const me = order.indexOf(input.self);
  return input.local
    .filter((l) => HOLDING_STATES.has(l.state) && l.state !== 'stop-failed')
    .map((l) => l.group)
    .filter((group) => {
      const mine = myEpochs.get(group) ?? 0;
      return input.peers.some((p) => {
        if ((p.state !== 'online' && p.state !== 'suspect') || !p.holds?.includes(group)) {
          return false;
        }
        const theirs = p.epochs?.[group] ?? 0;
        return theirs > mine || (theirs === mine && order.indexOf(p.server) < me);
      });
    });
}

/**
 * Whether this agent knows enough to start groups on its own: every peer has answered, or
 * a peer that has not has had a full heartbeat timeout to do so since this agent started
 * (a cluster starting together must not start a group on a lower-priority server just
 * because the higher-priority one's first heartbeat was a few milliseconds late).
 */
export function membershipSettled(peers: PeerView[], upForMs: number, timeoutMs: number): boolean {
  return upForMs >= timeoutMs || peers.every((p) => p.state === 'online');
}

/**
 * Groups this server takes over because the server that ran them is confirmed down: held
 * by nobody now, last seen on a server whose BMC reports its power off (or that was fenced,
 * or presumed down), and this server
 * is the first of their other startup servers that is up. A server that went silent with
 * its power on is not confirmed down (it may be hung with the resources still active), so
 * its groups wait for fencing or for the server.
 */
export function orphanedGroups(
  input: PlacementInput,
  lastHolders: ReadonlyMap<string, string>
): Array<{ group: string; from: string; candidates: string[] }> {
  const view = new Map(clusterGroups(input).map((g) => [g.name, g]));
  return input.config.groups.flatMap((g) => {
    const from = lastHolders.get(g.name);
    if (from === undefined || !isDown(input, from) || view.get(g.name)!.holders.length > 0) {
      return [];
    }
    const candidates = startupServers(input.config, g).filter((s) => s !== from && isUp(input, s));
    return candidates.length > 0 && unknownHolders(input, g).length === 0 ? [{ group: g.name, from, candidates }] : [];
  });
}

/**
 * Remembers who ran each group, for `orphanedGroups`: the sole holder while there is one;
 * forgotten when a group is released by a server that is still up (a deliberate stop).
 */
export function trackHolders(input: PlacementInput, lastHolders: Map<string, string>): void {
  for (const g of clusterGroups(input)) {
    if (g.holders.length === 1) {
      lastHolders.set(g.name, g.holders[0]);
    } else if (g.holders.length === 0) {
      const last = lastHolders.get(g.name);
      if (last !== undefined && !isDown(input, last)) {
        lastHolders.delete(g.name);
      }
    }
  }
}
