/**
 * Random fault rounds on the chaos rig, shared by the CI sample (test/integration/chaos/
 * chaos.test.ts) and the bench (bench/chaos.bench.mjs). A round: pick a fault from the seeded
 * PRNG, inject it, undo it (SIGCONT, links up), heal the cluster (power on and boot every
 * host that is down, wait until every agent hears every peer and every group runs on exactly
 * one server that every agent names), then read the ledger for overlaps since the fault.
 * The same seed gives the same sequence of faults (their timing depends on the machine).
 */
import { prng, randInt } from '../prng';
import { settled, sleep } from './checks';
import type { GroupSpec } from './config';
import { copies, readLedger, type Overlap } from './ledger';
import type { Rig, Server } from './rig';

export const FAULT_KINDS = [
  'freeze',
  'kill-restart',
  'link-cut',
  'partition',
  'concurrent-ops',
  'failing-start',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Three groups, one first on each server; g3's stop is slow (1 s). */
export const CHAOS_GROUPS: GroupSpec[] = [
  { name: 'g1', startupServers: ['server1', 'server2', 'server3'] },
  { name: 'g2', startupServers: ['server2', 'server3', 'server1'] },
  { name: 'g3', startupServers: ['server3', 'server1', 'server2'], stopDelayMs: 1000 },
];

export interface Takeover {
  group: string;
  from: string;
  to: string;
  /** Fault injected -> first line of the new copy. */
  ms: number;
  /** true when it started before the rig booted or powered on anything: the cluster's own doing. */
  beforeHeal: boolean;
}

export interface RoundResult {
  seed: number;
  round: number;
  kind: FaultKind;
  detail: string;
  takeovers: Takeover[];
  overlaps: Overlap[];
  healMs: number;
}

export class RoundError extends Error {}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[randInt(rand, 0, xs.length - 1)];

/** How long the heal lets the cluster recover on its own before it boots hosts that are down. */
export const OWN_RECOVERY_MS = 12_000;

/**
 * Undoes what is left of a fault (thaws, links up, no failing starts), lets the cluster
 * recover on its own for up to `ownRecoveryMs` (every group running on one host whose agent
 * is up), then powers on and boots every host that is down and waits until the cluster is
 * healthy again. Resolves with the time the rig first powered on or booted a host (null: it
 * did not have to): a takeover before it is the cluster's own doing.
 */
export async function heal(rig: Rig, ownRecoveryMs = OWN_RECOVERY_MS): Promise<number | null> {
  let intervenedAt: number | null = null;
  for (const s of rig.servers) {
    rig.thaw(s);
    rig.isolate(s, false);
    for (const g of CHAOS_GROUPS) {
      rig.failStart(s, g.name, null);
    }
  }
  if (rig.servers.some((s) => !rig.agentUp(s))) {
    const deadline = Date.now() + ownRecoveryMs;
    const recovered = () =>
      CHAOS_GROUPS.every((g) => {
        const on = rig.runningOn(g.name);
        return on.length === 1 && rig.agentUp(on[0] as Server);
      });
    while (!recovered() && Date.now() < deadline) {
      await sleep(100);
    }
  }
  const bootDown = async () => {
    for (const s of rig.servers) {
      if (!rig.agentUp(s)) {
        intervenedAt ??= Date.now();
        if (rig.powerState(s) === 'off') {
          const r = await rig.power(s, 'on');
          if (r.code !== 0) {
            throw new RoundError(`power on ${s} failed: ${r.stderr}`);
          }
        }
        await rig.boot(s).catch(() => undefined); // fenced while booting: the next check boots it again
      }
    }
  };
  await rig.until(
    'every agent hears every peer',
    async () => {
      // Again on every check: a fence decided while a killed agent restarted may power its
      // host off after that agent came up (chaos seed 320599849).
      await bootDown();
      for (const s of rig.servers) {
        if (!(await rig.status(s)).servers.every((x) => x.self || x.state === 'online')) {
          return undefined;
        }
      }
      return true;
    },
    30_000
  );
  for (const g of CHAOS_GROUPS) {
    // A group an operator request stopped stays stopped by design: start it again.
    const views = await Promise.all(rig.servers.map((s) => rig.group(s, g.name)));
    if (views.every((v) => v.state === 'offline')) {
      await rig.request(rig.servers[0], 'POST', `/api/v1/groups/${g.name}/start`);
    }
  }
  for (const g of CHAOS_GROUPS) {
    await settled(rig, g.name, { ms: 45_000, since: Number.MAX_SAFE_INTEGER });
  }
  return intervenedAt;
}

/** The host running `group` now (after a heal there is exactly one). */
const holder = (rig: Rig, group: string) => rig.runningOn(group)[0] as Server;

async function inject(rig: Rig, rand: () => number, kind: FaultKind): Promise<string> {
  const group = pick(rand, CHAOS_GROUPS).name;
  const h = holder(rig, group);
  const other = (not: Server[]) =>
    pick(
      rand,
      rig.servers.filter((s) => !not.includes(s))
    );
  switch (kind) {
    case 'freeze': {
      const ms = randInt(rand, 2000, 4000);
      rig.freeze(h);
      await sleep(ms);
      rig.thaw(h);
      return `SIGSTOP ${h} (holds ${group}) for ${ms} ms`;
    }
    case 'kill-restart': {
      const ms = randInt(rand, 500, 3000);
      await rig.killAgent(h);
      await sleep(ms);
      if (rig.powerState(h) === 'on' && !rig.agentUp(h)) {
        await rig.boot(h).catch(() => undefined); // fenced while booting: the heal powers it on
      }
      return `SIGKILL ${h}'s agent (holds ${group}), restarted ${ms} ms later`;
    }
    case 'link-cut': {
      const net = randInt(rand, 1, 2);
      const target = pick(rand, rig.servers);
      const ms = randInt(rand, 2000, 4000);
      rig.link(target, net, false);
      await sleep(ms);
      rig.link(target, net, true);
      return `${target}'s link to interconnect ${net} cut for ${ms} ms`;
    }
    case 'partition': {
      const ms = randInt(rand, 4000, 7000);
      rig.isolate(h, true);
      await sleep(ms);
      rig.isolate(h, false);
      return `${h} (holds ${group}) cut off both interconnects for ${ms} ms`;
    }
    case 'concurrent-ops': {
      // A race the cluster must serialize: two starts of a stopped group naming two
      // servers, or two moves of a running one to the two other servers, through two agents.
      const [a, b] = [h, other([h])].sort(() => rand() - 0.5);
      const [x, y] = rig.servers.filter((s) => s !== h).sort(() => rand() - 0.5);
      const starts = rand() < 0.5;
      if (starts) {
        await rig.request(a, 'POST', `/api/v1/groups/${group}/stop`);
      }
      const op = starts ? 'start' : 'move';
      const replies = await Promise.all([
        rig.request(a, 'POST', `/api/v1/groups/${group}/${op}`, { server: starts ? h : x }),
        rig.request(b, 'POST', `/api/v1/groups/${group}/${op}`, { server: starts ? x : y }),
      ]);
      return (
        `${starts ? `stop ${group}, then` : `${group} on ${h}:`} at once ${op} ${starts ? h : x} via ${a} -> ` +
        `${replies[0].status}, ${op} ${starts ? x : y} via ${b} -> ${replies[1].status}`
      );
    }
    case 'failing-start': {
      const target = other([h]);
      const mode = pick(rand, ['exit', 'daemon'] as const);
      rig.failStart(target, group, mode);
      const via = pick(rand, rig.servers);
      const r = await rig.request(via, 'POST', `/api/v1/groups/${group}/move`, { server: target });
      rig.failStart(target, group, null);
      return `move ${group} ${h} -> ${target} whose start fails (${mode}) via ${via} -> ${r.status}`;
    }
  }
}

/** Groups whose copy moved to another host after `t0`: when the first new copy started. */
function takeovers(rig: Rig, before: Record<string, string>, t0: number, healAt: number | null): Takeover[] {
  const all = copies(readLedger(rig.ledger));
  return Object.entries(before).flatMap(([group, from]) => {
    const next = all.find((c) => c.group === group && c.host !== from && c.from >= t0);
    return next
      ? [{ group, from, to: next.host, ms: next.from - t0, beforeHeal: healAt === null || next.from < healAt }]
      : [];
  });
}

/** Runs one round; `kind` forces the fault (else the PRNG picks it). Never throws on an overlap. */
export async function runRound(
  rig: Rig,
  rand: () => number,
  seed: number,
  round: number,
  kind: FaultKind = pick(rand, FAULT_KINDS)
): Promise<RoundResult> {
  const before = Object.fromEntries(CHAOS_GROUPS.map((g) => [g.name, holder(rig, g.name)]));
  const t0 = Date.now();
  const detail = await inject(rig, rand, kind);
  const healAt = Date.now();
  let intervenedAt: number | null;
  try {
    intervenedAt = await heal(rig);
  } catch (e) {
    // A heal that fails over two copies is an overlap first.
    const found = rig.overlaps(t0).map((o) => o.evidence);
    throw new RoundError(
      `seed ${seed} round ${round} (${kind}: ${detail}): ${found.length ? `${found.length} overlap(s)\n${found.join('\n')}\nand ` : ''}` +
        `the cluster did not heal: ${(e as Error).message}`
    );
  }
  return {
    seed,
    round,
    kind,
    detail,
    takeovers: takeovers(rig, before, t0, intervenedAt),
    overlaps: rig.overlaps(t0),
    healMs: Date.now() - healAt,
  };
}

/** CHAOS_KINDS=freeze,partition,...: only these fault kinds (default: all). */
export function kindsFromEnv(value = process.env.CHAOS_KINDS): readonly FaultKind[] {
  if (!value) {
    return FAULT_KINDS;
  }
  const kinds = value.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new Error(`CHAOS_KINDS: unknown fault kind(s) ${unknown.join(', ')} (have: ${FAULT_KINDS.join(', ')})`);
  }
  return kinds as FaultKind[];
}

/** The rounds' fault kinds: every kind once per block, in a seeded order. */
export function schedule(
  seed: number,
  rounds: number,
  only: readonly FaultKind[] = FAULT_KINDS
): { rand: () => number; kinds: FaultKind[] } {
  const rand = prng(seed);
  const kinds: FaultKind[] = [];
  while (kinds.length < rounds) {
    const block = [...only];
    for (let i = block.length - 1; i > 0; i--) {
      const j = randInt(rand, 0, i);
      [block[i], block[j]] = [block[j], block[i]];
    }
    kinds.push(...block);
  }
  return { rand, kinds: kinds.slice(0, rounds) };
}
