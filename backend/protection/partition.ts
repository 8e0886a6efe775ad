/**
 * Which side of a network partition keeps the service. When peers fall silent this server
 * cannot tell a dead peer from a cut network, so every side asks the same questions and
 * only one side may conclude it is the survivor:
 *
 * - majority: a side that hears more than half of the servers wins, fewer than half loses;
 *   exactly half is a tie.
 * - ping targets (e.g. the default gateway): a side that reaches none of them loses, whatever
 *   its size (it is the side that was cut off).
 * - witness: a side that cannot reach the witness loses.
 *
 * A tie is settled by fencing when fencing is configured (the fence race, with its delays,
 * has one winner: the other side is powered off or reset), and otherwise by the master
 * server (the first in the server list): the side that has it wins. Pure: probes are done
 * by the caller and passed in.
 */
export type Verdict = 'win' | 'lose' | 'fence-race';

export interface PartitionInput {
  /** Every server, in priority order (the first is the master). */
  servers: string[];
  self: string;
  /** Peers this server hears now. */
  online: string[];
  majority: boolean;
  /** null: no ping targets configured; otherwise whether any answered. */
  pingReached: boolean | null;
  /** null: no witness configured; otherwise whether it answered. */
  witnessReached: boolean | null;
  fencing: boolean;
}

export interface PartitionDecision {
  verdict: Verdict;
  reason: string;
}

export function resolvePartition(input: PartitionInput): PartitionDecision {
  if (input.pingReached === false) {
    return { verdict: 'lose', reason: 'none of the ping targets answers: this side is cut off' };
  }
  if (input.witnessReached === false) {
    return { verdict: 'lose', reason: 'the witness does not answer: this side is cut off' };
  }
  const side = new Set([input.self, ...input.online.filter((s) => input.servers.includes(s))]);
  const total = input.servers.length;
  const heard = `${side.size} of ${total} servers`;
  if (input.majority) {
    if (side.size * 2 > total) {
      return { verdict: 'win', reason: `this side has a majority (${heard})` };
    }
    if (side.size * 2 < total) {
      return { verdict: 'lose', reason: `this side is a minority (${heard})` };
    }
  }
  const tie = input.majority ? `a tie (${heard})` : 'no majority rule';
  if (input.fencing) {
    return { verdict: 'fence-race', reason: `${tie}: settled by fencing` };
  }
  const master = input.servers[0];
  return side.has(master)
    ? { verdict: 'win', reason: `${tie}: this side has the master server ${master}` }
    : { verdict: 'lose', reason: `${tie}: the master server ${master} is on the other side` };
}

/**
 * How long this server waits before fencing, so that in a fence race the intended winner
 * shoots first: `priority` waits baseMs x its position in the server list (the master does
 * not wait), `fixed` waits baseMs, `none` does not wait.
 */
export function fenceDelayMs(policy: 'none' | 'fixed' | 'priority', baseMs: number, position: number): number {
  return policy === 'none' ? 0 : policy === 'fixed' ? baseMs : baseMs * position;
}
