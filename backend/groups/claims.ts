/**
 * Claims: the cluster-wide right to run a group. Only the decider (controller/decider.ts)
 * grants one, and every grant carries an epoch higher than any the granting server has
 * seen for that group. Holders announce the epoch of each group they hold in every
 * heartbeat, so whenever two servers hold one group (a decider's stale view, a holder back
 * from a freeze) every agent sees the same answer: the higher epoch keeps it, the other
 * stops at once. Conflicts settle themselves instead of waiting for an operator.
 *
 * Epochs are unique across deciders without coordination: the low bits carry the granting
 * server's position in the server list, so two deciders that both saw epoch N grant
 * different epochs above it (as in Paxos ballot numbers).
 */

/** The configuration's limit on servers (config/model/schema.ts): positions fit below it. */
export const POSITIONS = 32;
/** Epochs travel as u32 in heartbeats. */
export const MAX_EPOCH = 0xffffffff;

/** The epoch a decider at `position` grants when the highest it knows for the group is `known`. */
export function nextEpoch(known: number, position: number): number {
  const next = (Math.floor(known / POSITIONS) + 1) * POSITIONS + position;
  if (next > MAX_EPOCH) {
    throw new RangeError('claim epochs exhausted'); // 134 million grants for one group
  }
  return next;
}

/** Which position granted an epoch (for explanations). */
export function grantedBy(epoch: number): number {
  return epoch % POSITIONS;
}

/**
 * Remembers, per group, the highest epoch ever seen (own grants, own claims, every peer's
 * announcement). A start whose claim is below it is stale: a newer grant exists somewhere.
 */
export class EpochBook {
  private readonly highest = new Map<string, number>();

  see(group: string, epoch: number): void {
    if (epoch > (this.highest.get(group) ?? 0)) {
      this.highest.set(group, epoch);
    }
  }

  known(group: string): number {
    return this.highest.get(group) ?? 0;
  }
}
