/**
 * The simulated cluster: hosts on a simulated network under one virtual clock, seeded
 * randomness, the peers' HTTP calls (over the first interconnect, like the agents' API
 * addresses), fencing through simulated BMCs, and the ground truth.
 *
 * Time runs timer by timer, with the microtasks of each timer settled before the next
 * (the cores are async: a step's continuation must run at the virtual instant it belongs
 * to). A run is therefore a pure function of the configuration, the seed and the faults.
 */
import type { ClusterConfig } from '../../config/model';
import type { ControllerLog } from '../../controller/controller';
import { VirtualClock } from '../../time/clock';
import { SimNetwork } from '../network';
import { prng } from '../prng';
import { SimHost } from './host';
import { Truth } from './truth';

/** Milliseconds an HTTP call takes one way on the simulated LAN. */
const RPC_LATENCY_MS = 2;
/** How long a caller waits for a peer's answer before giving up (agent: worst case + 10 s). */
const RPC_TIMEOUT_MS = 15_000;

export interface WorldOptions {
  config: ClusterConfig;
  seed: number;
  /** Keep the notes (fault log, verdicts, fences) for printing. */
  verbose?: boolean;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class World {
  readonly clock = new VirtualClock();
  readonly config: ClusterConfig;
  readonly net: SimNetwork;
  readonly truth: Truth;
  readonly rand: () => number;
  readonly notes: string[] = [];
  /** Configuration revisions committed so far (faults.ts 'revision'); 1 is the initial one. */
  revisions = 1;
  /**
   * Revisions that removed a group: from their commit until they have reached every agent
   * (`until`). Operators' words said before are forgotten with the group.
   */
  readonly removals: Array<{ group: string; from: number; until: number }> = [];
  private readonly hosts = new Map<string, SimHost>();

  constructor(private readonly options: WorldOptions) {
    this.config = options.config;
    this.rand = prng(options.seed);
    this.net = new SimNetwork(this.clock, this.config, this.rand);
    this.net.latency = () => 1 + Math.floor(this.rand() * 3);
    this.truth = new Truth(() => this.clock.now());
    for (const s of this.config.servers) {
      this.hosts.set(s.name, new SimHost(s.name, this));
    }
  }

  host(name: string): SimHost {
    return this.hosts.get(name)!;
  }

  allHosts(): SimHost[] {
    return [...this.hosts.values()];
  }

  note(who: string, what: string): void {
    if (this.options.verbose) {
      this.notes.push(`${(this.clock.now() / 1000).toFixed(3)} ${who}: ${what}`);
    }
  }

  logger(who: string): ControllerLog {
    const put = (fields: object, msg: string) => this.note(who, `${msg} ${JSON.stringify(fields)}`);
    return { info: put, warn: put, error: put };
  }

  /**
   * An HTTP call from `from` to `to`: undefined when the link (first interconnect) is cut
   * either way, the target's agent is not running, or no answer came within the timeout.
   * A paused target answers when it resumes, if the caller still waits.
   */
  rpc<T>(from: string, to: string, call: (peer: SimHost) => Promise<T>): Promise<T | undefined> {
    const caller = this.host(from);
    return new Promise<T | undefined>((resolve) => {
      let done = false;
      const finish = (v: T | undefined) => {
        if (!done) {
          done = true;
          resolve(v);
        }
      };
      const reachable = () => !this.net.isCut(0, from, to) && !this.net.isCut(0, to, from);
      caller.clock.setTimer(RPC_TIMEOUT_MS, () => finish(undefined));
      this.clock.setTimer(RPC_LATENCY_MS, () => {
        const peer = this.host(to);
        if (!reachable() || !peer.agentUp) {
          caller.clock.deliver(() => finish(undefined));
          return;
        }
        peer.clock.deliver(() => {
          call(peer).then(
            (v) =>
              this.clock.setTimer(RPC_LATENCY_MS, () => {
                if (reachable()) {
                  caller.clock.deliver(() => finish(v));
                }
              }),
            () => caller.clock.deliver(() => finish(undefined))
          );
        });
      });
    });
  }

  /** Fencing `peer` through its BMC, as `by` asks: power off, confirmed. */
  async fence(by: string, peer: string): Promise<{ ok: boolean; detail: string }> {
    const target = this.host(peer);
    await new Promise<void>((r) => this.host(by).clock.setTimer(200, r));
    if (!target.bmcReachable || target.fenceFails) {
      this.note(by, `fencing ${peer} failed`);
      return { ok: false, detail: 'BMC did not answer' };
    }
    if (target.power === 'on') {
      this.note(by, `fenced ${peer}`);
      target.powerOff();
    }
    return { ok: true, detail: 'power off confirmed' };
  }

  /** Runs the world until virtual time `t`. */
  async runUntil(t: number): Promise<void> {
    while (this.clock.nextAt() <= t) {
      this.clock.runUntil(this.clock.nextAt());
      await tick();
    }
    this.clock.runUntil(t);
    await tick();
  }
}
