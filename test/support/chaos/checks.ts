/**
 * What the chaos tests assert, in one place: the ledger shows no overlap, and a group has
 * settled on one server (the ledger runs it there, and only there, and every live agent
 * says so).
 */
import { copies, readLedger } from './ledger';
import { overlapReport, type Rig, type Server } from './rig';

export class OverlapError extends Error {}

/** Fails with the overlapping copies and their ledger lines when a group ever ran twice. */
export function expectNoOverlap(rig: Rig, since = 0): void {
  const report = overlapReport(rig, since);
  if (report !== '') {
    throw new OverlapError(`the ledger shows a group running twice at the same time:\n${report}`);
  }
}

export interface SettleOptions {
  /** Whose views count: every live agent (default), or only these (the winning side of a partition). */
  views?: Server[];
  /** Fail at once when the ledger shows an overlap since this time (default: the call). */
  since?: number;
  ms?: number;
}

/** Where the agents place `group`, or undefined while they disagree or it is not online. */
async function agreedServer(rig: Rig, group: string, views?: Server[]): Promise<string | undefined> {
  const seen = new Set<string>();
  for (const s of (views ?? rig.servers).filter((x) => rig.agentUp(x))) {
    const g = await rig.group(s, group);
    if (g.state !== 'online' || !g.currentServer) {
      return undefined;
    }
    seen.add(g.currentServer);
  }
  return seen.size === 1 ? [...seen][0] : undefined;
}

/**
 * Waits until `group` runs on exactly one server by the ledger, `want` if given, and the
 * agents name that server. An overlap ends the wait at once: it is the failure, not a
 * timeout.
 */
async function settle(rig: Rig, group: string, want: Server | undefined, o: SettleOptions): Promise<string> {
  const since = o.since ?? Date.now();
  const who = o.views ? o.views.join(', ') : 'every live agent';
  const what = `${group} online on ${want ?? 'one server'} only, by the ledger and ${who}`;
  return rig.until(
    what,
    async () => {
      expectNoOverlap(rig, since);
      const on = rig.runningOn(group);
      if (on.length !== 1 || (want !== undefined && on[0] !== want)) {
        return undefined;
      }
      return (await agreedServer(rig, group, o.views)) === on[0] ? on[0] : undefined;
    },
    o.ms ?? 30_000,
    (e) => e instanceof OverlapError
  );
}

/** Waits until `group` runs on exactly one server that the agents name; returns it. */
export const settled = (rig: Rig, group: string, o: SettleOptions = {}) => settle(rig, group, undefined, o);

/** Waits until `group` has settled on `server`. */
export async function settledOn(rig: Rig, group: string, server: Server, o: SettleOptions = {}): Promise<void> {
  await settle(rig, group, server, o);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every copy of `group` on `server` since `since` ended with a stop line (its stop script ran). */
export function stoppedCleanly(rig: Rig, group: string, server: Server, since = 0): boolean {
  return copies(readLedger(rig.ledger))
    .filter((c) => c.group === group && c.host === server && c.to >= since)
    .every((c) => c.stopped);
}

/** Copies of `group` on `server` that started at or after `since`. */
export function startsOn(rig: Rig, group: string, server: Server, since: number) {
  return copies(readLedger(rig.ledger)).filter((c) => c.group === group && c.host === server && c.from >= since);
}
