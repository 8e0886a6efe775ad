/**
 * What the chaos tests assert, in one place: the ledger shows no overlap, and a group has
 * settled on one server (the ledger runs it there, and only there, and every live agent
 * says so).
 */
import { overlapReport, type Rig, type Server } from './rig';

/** Fails with the overlapping copies and their ledger lines when a group ever ran twice. */
export function expectNoOverlap(rig: Rig, since = 0): void {
  const report = overlapReport(rig, since);
  if (report !== '') {
    throw new Error(`the ledger shows a group running twice at the same time:\n${report}`);
  }
}

/** Where every live agent places `group`, or undefined while they disagree or it is not online. */
async function agreedServer(rig: Rig, group: string): Promise<string | undefined> {
  const seen = new Set<string>();
  for (const s of rig.servers.filter((x) => rig.agentUp(x))) {
    const g = await rig.group(s, group);
    if (g.state !== 'online' || !g.currentServer) {
      return undefined;
    }
    seen.add(g.currentServer);
  }
  return seen.size === 1 ? [...seen][0] : undefined;
}

/** Waits until `group` runs on exactly one server (by the ledger) that every live agent names. */
export async function settled(rig: Rig, group: string, ms = 30_000): Promise<string> {
  return rig.until(
    `${group} online on one server, by the ledger and every live agent`,
    async () => {
      const on = rig.runningOn(group);
      const agreed = await agreedServer(rig, group);
      return on.length === 1 && agreed === on[0] ? agreed : undefined;
    },
    ms
  );
}

/** Waits until `group` has settled on `server`. */
export async function settledOn(rig: Rig, group: string, server: Server, ms = 30_000): Promise<void> {
  await rig.until(
    `${group} online on ${server} only, by the ledger and every live agent`,
    async () => {
      const on = rig.runningOn(group);
      return on.join() === server && (await agreedServer(rig, group)) === server ? true : undefined;
    },
    ms
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
