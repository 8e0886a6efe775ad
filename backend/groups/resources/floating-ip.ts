/**
 * floating-ip resources: an address that moves with its group. Adding it is the easy part;
 * a move is only a failover once the neighbours send to the new MAC. Their ARP caches keep
 * the old one for 43-47 s unless told otherwise (FIELD-NOTES, measured with keepalived), so
 * an IPv4 start ends with a gratuitous ARP and a failed announcement is a failed start.
 * Before adding, an ARP duplicate-address probe refuses an address another host still
 * answers for: two holders would split the clients between them.
 *
 * The address is looked up by parsing `ip -j addr show`, never with `ip addr show to X/P`:
 * that filter is a prefix match and also lists the interface's own address in the same
 * subnet, which would make an absent floating address look present.
 */
import fs from 'node:fs';
import type { Resource } from '../../config/model';
import { isIPv4 } from '../../config/model/primitives';
import { runBounded } from '../../bmc/spawn-bounded';
import { sleep, systemClock, type Clock } from '../../time/clock';
import type { ActionContext, ActionResult, ResourceAction, ResourceDriver } from './types';
import { parseAddrShow, placeAddress, toolArgs, type AddrEntry, type AddrShow } from './floating-ip-tools';

export type FloatingIp = Extract<Resource, { type: 'floating-ip' }>;

export interface ToolRun {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  /** Set when the tool could not be started (e.g. "ENOENT: spawn arping ENOENT"). */
  spawnError?: string;
}
export type ToolRunner = (file: string, args: string[], timeoutMs: number) => Promise<ToolRun>;

export interface FloatingIpDriverOptions {
  runner?: ToolRunner;
  /** Reads a sysctl such as net/ipv6/conf/eth0/ndisc_notify (undefined when unreadable). */
  sysctl?: (key: string) => string | undefined;
  /** How long an IPv6 address may stay tentative (kernel DAD) before start gives up. */
  dadWaitMs?: number;
  /** The action budget runs on now(), waits on setTimer (default: systemClock). */
  clock?: Clock;
}

const PACKAGES: Record<string, string> = { ip: 'iproute2', arping: 'iputils-arping' };
/**
 * Every tool call is cut to what is left of this budget, and only the removal after a
 * failed start gets time of its own (an address left behind would be worse than a late
 * answer). Whoever waits for a group (plan.ts worstCaseMs) waits FLOATING_IP_WORST_MS.
 */
export const ACTION_BUDGET_MS = 12_000;
const CLEANUP_MS = 2000;
export const FLOATING_IP_WORST_MS = ACTION_BUDGET_MS + CLEANUP_MS;
const IP_TIMEOUT_MS = 3000;
// arping's own deadlines (-w) plus room for a loaded machine.
const DAD_TIMEOUT_MS = 4000;
const ANNOUNCE_TIMEOUT_MS = 3000;
const POLL_MS = 100;
// ip and arping live in /usr/sbin, which a service's PATH does not always include.
const ENV = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin:/bin` };

const defaultRunner: ToolRunner = (file, args, timeoutMs) =>
  runBounded(file, args, { env: ENV, hardTimeoutMs: timeoutMs });
const defaultSysctl = (key: string) => {
  try {
    return fs.readFileSync(`/proc/sys/${key}`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

type Outcome = { ok: boolean; detail: string };
class Failed extends Error {}

interface Deps {
  runner: ToolRunner;
  sleep: (ms: number) => Promise<void>;
  sysctl: (key: string) => string | undefined;
  dadWaitMs: number;
  now: () => number;
  /** Set once `arping -V` showed the iputils arping. */
  arpingChecked: boolean;
}

export class FloatingIpDriver implements ResourceDriver<FloatingIp> {
  private readonly deps: Deps;

  constructor(options: FloatingIpDriverOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.deps = {
      runner: options.runner ?? defaultRunner,
      sleep: (ms) => sleep(clock, ms),
      sysctl: options.sysctl ?? defaultSysctl,
      dadWaitMs: options.dadWaitMs ?? 3000,
      now: () => clock.now(),
      arpingChecked: false,
    };
  }

  async run(resource: FloatingIp, action: ResourceAction, _ctx: ActionContext): Promise<ActionResult> {
    const t0 = this.deps.now();
    const one = new OneAction(this.deps, t0 + ACTION_BUDGET_MS);
    let outcome: Outcome;
    try {
      outcome = action === 'start' ? await one.start(resource) : await one.stop(resource);
    } catch (e) {
      outcome = { ok: false, detail: e instanceof Failed ? e.message : `unexpected error: ${String(e)}` };
    }
    return { ...outcome, durationMs: this.deps.now() - t0 };
  }
}

/** One start or stop, with its deadline. */
class OneAction {
  constructor(
    private readonly deps: Deps,
    private readonly deadline: number
  ) {}

  async start(r: FloatingIp): Promise<Outcome> {
    const cidr = `${r.address}/${r.prefix}`;
    const place = placeAddress(await this.addresses(), r);
    switch (place.kind) {
      case 'no-interface':
        return { ok: false, detail: `interface ${r.interface} does not exist` };
      case 'elsewhere':
        return { ok: false, detail: `${r.address} is already on ${place.entry.ifname}, not ${r.interface}` };
      case 'other-prefix':
        return {
          ok: false,
          detail: `${r.address} is already on ${r.interface} as /${place.entry.prefix}, not /${r.prefix}`,
        };
      case 'present':
        if (!isIPv4(r.address)) {
          return place.entry.tentative
            ? this.awaitDad(r, 'already present')
            : { ok: true, detail: `${cidr} already present on ${r.interface}` };
        }
        // An agent restart or a returning group: announce anyway, the neighbours may point elsewhere.
        return this.announce(r, 'already present');
      case 'absent':
        break;
    }
    if (!isIPv4(r.address)) {
      await this.tool('ip', toolArgs.add(r));
      return this.awaitDad(r, 'added');
    }
    await this.checkArping();
    const dad = await this.call('arping', toolArgs.dad(r), DAD_TIMEOUT_MS);
    if (dad.exitCode === 1) {
      return {
        ok: false,
        detail: `${r.address} is in use by another host on ${r.interface} (ARP duplicate probe answered)`,
      };
    }
    if (dad.exitCode !== 0) {
      throw new Failed(`duplicate address probe failed: ${describe('arping', dad)}`);
    }
    await this.tool('ip', toolArgs.add(r));
    return this.announce(r, 'added');
  }

  private async announce(r: FloatingIp, what: string): Promise<Outcome> {
    const cidr = `${r.address}/${r.prefix}`;
    const garp = await this.call('arping', toolArgs.announce(r), ANNOUNCE_TIMEOUT_MS);
    if (garp.exitCode === 0) {
      return { ok: true, detail: `${cidr} ${what} on ${r.interface}, announced by gratuitous ARP` };
    }
    // Unannounced, the address would serve only the clients that happen to ask: take it down.
    const removed = await this.removeQuietly(r);
    return { ok: false, detail: `gratuitous ARP failed (${describe('arping', garp)}); ${cidr} ${removed}` };
  }

  /** Linux runs IPv6 DAD itself; the address is usable only once it is no longer tentative. */
  private async awaitDad(r: FloatingIp, what: string): Promise<Outcome> {
    const cidr = `${r.address}/${r.prefix}`;
    for (let waited = 0; ; waited += POLL_MS) {
      let shown: AddrShow;
      try {
        shown = await this.addresses();
      } catch (e) {
        // Out of time or iproute2 broke mid-way: a tentative address must not stay behind.
        if (!(e instanceof Failed)) {
          throw e;
        }
        return { ok: false, detail: `${e.message}; ${cidr} ${await this.removeQuietly(r)}` };
      }
      const place = placeAddress(shown, r);
      const entry: AddrEntry | undefined = place.kind === 'present' ? place.entry : undefined;
      if (!entry) {
        return { ok: false, detail: `${cidr} vanished from ${r.interface} during DAD` };
      }
      if (entry.dadFailed) {
        return {
          ok: false,
          detail: `${r.address} is in use by another host on ${r.interface} (IPv6 DAD failed); ${await this.removeQuietly(r)}`,
        };
      }
      if (!entry.tentative) {
        return { ok: true, detail: `${cidr} ${what} on ${r.interface} after DAD; ${this.naNote(r.interface)}` };
      }
      if (waited >= this.deps.dadWaitMs) {
        return {
          ok: false,
          detail: `${cidr} still tentative after ${this.deps.dadWaitMs} ms (is ${r.interface} up?); ${await this.removeQuietly(r)}`,
        };
      }
      await this.deps.sleep(POLL_MS);
    }
  }

  /** Linux sends an unsolicited neighbour advertisement after DAD only with ndisc_notify=1 (ours or "all"). */
  private naNote(ifname: string): string {
    const on = [ifname, 'all'].some((c) => this.deps.sysctl(`net/ipv6/conf/${c}/ndisc_notify`) === '1');
    return on
      ? 'unsolicited neighbour advertisement sent (ndisc_notify=1)'
      : `no unsolicited neighbour advertisement: set net.ipv6.conf.${ifname}.ndisc_notify=1 or neighbours keep the old MAC until their cache expires`;
  }

  async stop(r: FloatingIp): Promise<Outcome> {
    const cidr = `${r.address}/${r.prefix}`;
    const place = placeAddress(await this.addresses(), r);
    if (place.kind === 'other-prefix') {
      return {
        ok: false,
        detail: `${r.address} is on ${r.interface} as /${place.entry.prefix}, not /${r.prefix}: left in place`,
      };
    }
    if (place.kind !== 'present') {
      return { ok: true, detail: `${cidr} already absent from ${r.interface}` };
    }
    await this.tool('ip', toolArgs.del(r));
    return { ok: true, detail: `${cidr} removed from ${r.interface}` };
  }

  private async removeQuietly(r: FloatingIp): Promise<string> {
    const del = await this.call('ip', toolArgs.del(r), CLEANUP_MS, true);
    return del.exitCode === 0 ? 'removed again' : `could not be removed: ${describe('ip', del)}`;
  }

  private async addresses(): Promise<AddrShow> {
    const shown = parseAddrShow((await this.tool('ip', toolArgs.show())).output);
    if (!shown) {
      throw new Failed('ip -j addr show printed no JSON address list: iproute2 too old?');
    }
    return shown;
  }

  /** The Debian "arping" package is a different tool with other exit codes: refuse it. */
  private async checkArping(): Promise<void> {
    if (this.deps.arpingChecked) {
      return;
    }
    const v = await this.call('arping', ['-V'], IP_TIMEOUT_MS);
    if (v.spawnError || !/iputils/.test(v.output)) {
      throw new Failed(v.spawnError ? describe('arping', v) : `arping is not the iputils one: install iputils-arping`);
    }
    this.deps.arpingChecked = true;
  }

  /** Runs a tool that must succeed; a failure ends the action with the tool's own words. */
  private async tool(file: string, args: string[]): Promise<ToolRun> {
    const run = await this.call(file, args, IP_TIMEOUT_MS);
    if (run.exitCode !== 0) {
      throw new Failed(`${file} ${args.join(' ')}: ${describe(file, run)}`);
    }
    return run;
  }

  private async call(file: string, args: string[], timeoutMs: number, cleanup = false): Promise<ToolRun> {
    const left = Math.floor(this.deadline - this.deps.now());
    if (!cleanup && left <= 0) {
      return { exitCode: null, output: '', timedOut: false, spawnError: `${ACTION_BUDGET_MS} ms budget spent` };
    }
    try {
      return await this.deps.runner(file, args, cleanup ? timeoutMs : Math.min(timeoutMs, left));
    } catch (e) {
      return { exitCode: null, output: '', timedOut: false, spawnError: String(e) };
    }
  }
}

/** One line: what went wrong with a tool run, naming the package when the tool is missing. */
function describe(file: string, run: ToolRun): string {
  if (run.spawnError) {
    return /ENOENT/.test(run.spawnError)
      ? `${file} not found: install ${PACKAGES[file] ?? file}`
      : `cannot run ${file}: ${run.spawnError}`;
  }
  const said = run.output.trim().split('\n').filter(Boolean).join(' | ').slice(0, 300);
  const how = run.timedOut ? 'timed out' : `exit ${run.exitCode}`;
  return said ? `${how}: ${said}` : how;
}
