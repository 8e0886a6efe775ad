/** Membership's view of the peers, as the controller reads it (agent and simulation alike). */
import type { MembershipSnapshot } from '../membership';
import type { MemberPeer } from './controller';

export function memberPeers(snapshot: Pick<MembershipSnapshot, 'peers'> | null): MemberPeer[] | null {
  if (snapshot === null) {
    return null;
  }
  return snapshot.peers.map((p) => {
    const heard = p.paths.map((x) => x.lastHeardAt).filter((t): t is number => t !== null);
    return {
      server: p.server,
      state: p.state,
      incarnation: p.incarnation,
      hears: p.summary?.hears ?? null,
      lastHeardAt: heard.length > 0 ? Math.max(...heard) : null,
      holds: p.summary?.groups ?? null,
      unreadable: p.summary !== null && !p.summary.layoutMatches,
      epochs: p.summary?.epochs ?? null,
      version: p.summary?.version,
    };
  });
}
