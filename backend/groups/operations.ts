/**
 * Start, stop and move a group from any agent: this agent coordinates, and each step runs
 * on the agent of the server concerned (itself, or a peer over the API with the peer
 * token). So a console attached to any server can operate every group, and the server
 * that runs a group's resources is always the one that starts or stops them.
 *
 * Safety rules, checked by the coordinator and again by the server that starts a group
 * (the two may see the cluster a heartbeat apart):
 * - a group held anywhere is not started again; a move stops it first;
 * - a group held by a silent server is not touched: its resources may still be active
 *   there, and only fencing (or the server's return) can settle that;
 * - a group runs only on its startup servers.
 */
import type { ClusterConfig, Group } from '../config/model';
import { GroupBusyError, type LocalGroups, type OperationResult } from './local-groups';
import { clusterGroups, isSilent, isUp, startupServers, unknownHolders, type PlacementInput } from './placement';
import type { GroupEvent } from './resources/types';
import type { Clock } from '../time/clock';

/** How a server names, in its refusal, the newest claim it knows (controller takeClaim). */
const STALE_CLAIM = /epoch (\d+) was granted since/;

export type GroupOperation = 'start' | 'stop' | 'move' | 'restart';

export interface StepRequest {
  event: GroupEvent;
  from?: string;
  requestedBy: string;
  /** The claim epoch the decider granted for this start (groups/claims.ts). */
  epoch?: number;
  /**
   * Servers that have just stopped the group or failed to start it (their heartbeats may
   * still announce it for a moment): the start waits for their release, as for `from`.
   */
  releasing?: string[];
}

/** A peer's answer to one step; undefined when the peer could not be reached. */
export interface PeerStepAnswer {
  status: number;
  result?: OperationResult;
  error?: string;
}

export interface GroupPeerTransport {
  step(
    server: string,
    group: string,
    action: 'start' | 'stop',
    request: StepRequest
  ): Promise<PeerStepAnswer | undefined>;
}

export interface Step {
  server: string;
  action: 'start' | 'stop';
  ok: boolean;
  detail: string;
}

export interface Outcome {
  group: string;
  operation: GroupOperation;
  ok: boolean;
  /** Where the group runs afterwards (null: nowhere). */
  server: string | null;
  detail: string;
  steps: Step[];
}

/**
 * Why a request is refused: the group or server does not exist, the request conflicts with
 * the group's state (held, busy, on the wrong server), or nobody may decide now.
 */
export type RefusalKind = 'not-found' | 'conflict' | 'unavailable';

/** A request that cannot be carried out as asked. Transports map the kind (api/refusals.ts). */
export class OperationError extends Error {
  constructor(
    message: string,
    readonly kind: RefusalKind
  ) {
    super(message);
  }
}

export interface GroupOperationsDeps {
  self: string;
  clock: Clock;
  /** A new claim epoch for a start of `group` decided here. */
  grant: (group: string) => number;
  /**
   * Takes the claim of a start asked of this server: null when it is taken (and from now
   * on announced), else why it is refused (a newer claim exists).
   */
  takeClaim: (group: string, epoch: number | undefined) => string | null;
  /** Null while this server may go on coordinating, else why not (checked before each step). */
  stillCoordinating?: () => string | null;
  /** A newer epoch learnt from a refusal (see `step`). */
  learn?: (group: string, epoch: number) => void;
  config: () => Pick<ClusterConfig, 'servers' | 'groups'>;
  placement: () => PlacementInput;
  local: LocalGroups;
  peers: GroupPeerTransport;
  /** How long a start waits for the server a group moves from to announce its release. */
  releaseWaitMs?: () => number;
  /** Why this server must not start groups now (it cannot see its peers), or null. */
  startBlocked?: () => string | null;
  /** Every coordinated operation's outcome, for the audit trail. */
  onOutcome?: (outcome: Outcome, requestedBy: string) => void;
}

export class GroupOperations {
  private readonly inFlight = new Map<string, GroupOperation>();

  constructor(private readonly deps: GroupOperationsDeps) {}

  /** What an operation on `group` is running now, if any (coordinated here). */
  running(group: string): GroupOperation | undefined {
    return this.inFlight.get(group);
  }

  start(
    name: string,
    options: { server?: string; requestedBy: string; event?: GroupEvent; from?: string }
  ): Promise<Outcome> {
    return this.coordinate(name, 'start', options.requestedBy, async (group) => {
      const view = this.view(name);
      if (view.holders.length > 0) {
        throw new OperationError(`group ${name} is already ${view.state} on ${view.holders.join(', ')}`, 'conflict');
      }
      this.checkUnknown(group);
      // A named server only; else the startup servers that are up, in order, until one starts it.
      const targets =
        options.server !== undefined
          ? [options.server]
          : startupServers(this.deps.config(), group).filter((s) => this.isUp(s));
      if (targets.length === 0) {
        throw new OperationError(`none of group ${name}'s startup servers is online`, 'unavailable');
      }
      this.checkTarget(group, targets[0]);
      const request = { event: options.event ?? 'START', from: options.from, requestedBy: options.requestedBy };
      const steps: Step[] = [];
      const started = await this.startOnFirst(name, targets, request, steps);
      return this.outcome(name, 'start', steps, started, undefined, started !== null);
    });
  }

  stop(name: string, options: { requestedBy: string }): Promise<Outcome> {
    return this.coordinate(name, 'stop', options.requestedBy, async () => {
      const view = this.view(name);
      this.checkReachable(view.name, view.holders);
      const steps: Step[] = [];
      for (const holder of view.holders) {
        steps.push(await this.step(holder, name, 'stop', { event: 'STOP', requestedBy: options.requestedBy }));
      }
      const left = steps.filter((s) => !s.ok).map((s) => s.server);
      return this.outcome(name, 'stop', steps, left[0] ?? null, steps.length === 0 ? 'already offline' : undefined);
    });
  }

  /**
   * Stops the group where it runs, then starts it on `server` (or the next startup server
   * that is up). If it cannot start on the chosen server the next candidates are tried,
   * and last the server it came from, so a failed move does not leave the service down
   * when it can run somewhere.
   */
  move(name: string, options: { server?: string; requestedBy: string; event?: GroupEvent }): Promise<Outcome> {
    return this.coordinate(name, 'move', options.requestedBy, async (group) => {
      const from = this.soleHolder(name);
      let candidates: string[];
      if (options.server !== undefined) {
        if (options.server === from) {
          throw new OperationError(`group ${name} already runs on ${from}`, 'conflict');
        }
        this.checkTarget(group, options.server);
      }
      // The named target first, then the other startup servers in order, and last the origin.
      candidates = startupServers(this.deps.config(), group).filter((s) => s !== from && this.isUp(s));
      if (options.server !== undefined) {
        candidates = [options.server, ...candidates.filter((s) => s !== options.server)];
      } else if (candidates.length === 0) {
        throw new OperationError(`group ${name} has no other startup server that is online`, 'conflict');
      }
      const event = options.event ?? 'MOVE';
      const request = { event, from, requestedBy: options.requestedBy };
      const steps = [await this.step(from, name, 'stop', request)];
      // An answer lost on the way back is not a failed stop: what counts is whether the
      // server's own heartbeats now announce the group released.
      if (!steps[0].ok && !(await this.released(name, from))) {
        return this.outcome(name, 'move', steps, from, `could not stop on ${from}: ${steps[0].detail}`);
      }
      const started = await this.startOnFirst(name, [...candidates, from], request, steps);
      if (started === null) {
        return this.outcome(name, 'move', steps, null, `group ${name} could not be started anywhere`, false);
      }
      const detail = started === from ? `could not start elsewhere; started again on ${from}` : undefined;
      return this.outcome(name, 'move', steps, started, detail, started !== from);
    });
  }

  /**
   * Starts the group on the first of `targets` that takes it, each under a new claim and
   * waiting for the release of those that just failed; the steps are appended to `steps`.
   */
  private async startOnFirst(
    name: string,
    targets: string[],
    request: StepRequest,
    steps: Step[]
  ): Promise<string | null> {
    const failed: string[] = [];
    for (const target of targets) {
      const step = await this.step(target, name, 'start', {
        ...request,
        epoch: this.deps.grant(name),
        releasing: failed.length > 0 ? [...failed] : undefined,
      });
      steps.push(step);
      if (step.ok) {
        return target;
      }
      failed.push(target);
    }
    return null;
  }

  /** Stops and starts the group where it runs (a recovery step before failing it over). */
  restart(name: string, options: { requestedBy: string }): Promise<Outcome> {
    return this.coordinate(name, 'restart', options.requestedBy, async () => {
      const holder = this.soleHolder(name);
      const request = { event: 'RECOVER' as const, requestedBy: options.requestedBy };
      const steps = [await this.step(holder, name, 'stop', request)];
      if (steps[0].ok) {
        steps.push(await this.step(holder, name, 'start', { ...request, epoch: this.deps.grant(name) }));
      }
      const ok = steps.length === 2 && steps[1].ok;
      return this.outcome(name, 'restart', steps, ok || !steps[0].ok ? holder : null);
    });
  }

  /** The one reachable server holding the group (a move or restart acts on it). */
  private soleHolder(name: string): string {
    const view = this.view(name);
    if (view.holders.length === 0) {
      throw new OperationError(`group ${name} is offline: start it instead`, 'conflict');
    }
    if (view.holders.length > 1) {
      throw new OperationError(`group ${name} is active on ${view.holders.join(' and ')}: stop it first`, 'conflict');
    }
    this.checkReachable(name, view.holders);
    return view.holders[0];
  }

  /**
   * One start on this server, as asked by a coordinator (maybe this agent itself). Checked
   * again here: the coordinator's view may be a heartbeat older than this agent's.
   */
  async startHere(name: string, request: StepRequest): Promise<OperationResult> {
    const group = this.group(name);
    if (!startupServers(this.deps.config(), group).includes(this.deps.self)) {
      throw new OperationError(`${this.deps.self} is not a startup server of group ${name}`, 'conflict');
    }
    const blocked = this.deps.startBlocked?.() ?? null;
    if (blocked !== null) {
      throw new OperationError(blocked, 'unavailable');
    }
    this.checkUnknown(group);
    const others = await this.awaitRelease(name, [request.from, ...(request.releasing ?? [])]);
    if (others.length > 0) {
      throw new OperationError(`group ${name} is held by ${others.join(', ')}`, 'conflict');
    }
    if (this.deps.local.busy(name)) {
      throw new OperationError(`group ${name} is busy here`, 'conflict');
    }
    const refused = this.deps.takeClaim(name, request.epoch);
    if (refused !== null) {
      throw new OperationError(refused, 'conflict');
    }
    return this.local(() => this.deps.local.start(name, request.event, request.from));
  }

  /**
   * The servers other than this one holding `group`. In a move the coordinator has just
   * stopped the group on `from`, but this agent learns that from `from`'s next heartbeat:
   * wait for it (bounded), rather than trusting anyone's word that the resources are down.
   */
  private async awaitRelease(group: string, releasing: ReadonlyArray<string | undefined>): Promise<string[]> {
    const others = () => this.view(group).holders.filter((h) => h !== this.deps.self);
    const clock = this.deps.clock;
    const deadline = clock.now() + (this.deps.releaseWaitMs?.() ?? 0);
    let held = others();
    while (held.length > 0 && held.every((h) => releasing.includes(h)) && clock.now() < deadline) {
      await new Promise<void>((r) => clock.setTimer(20, r));
      held = others();
    }
    return held;
  }

  /** Whether `server`'s heartbeats announce `group` released (waiting as for a move's start). */
  private async released(group: string, server: string): Promise<boolean> {
    const held = await this.awaitRelease(group, [server]);
    return !held.includes(server) && !this.view(group).holders.includes(server);
  }

  async stopHere(name: string, request: StepRequest): Promise<OperationResult> {
    this.group(name);
    return this.local(() => this.deps.local.stop(name, request.event));
  }

  private async local(op: () => Promise<OperationResult>): Promise<OperationResult> {
    try {
      return await op();
    } catch (e) {
      if (e instanceof GroupBusyError) {
        throw new OperationError(e.message, 'conflict');
      }
      throw e;
    }
  }

  private async step(server: string, group: string, action: 'start' | 'stop', request: StepRequest): Promise<Step> {
    // Checked before every step, not just once per operation: a coordinator paused in the
    // middle of a move must not carry on as if it still decided.
    const gone = this.deps.stillCoordinating?.() ?? null;
    if (gone !== null) {
      return { server, action, ok: false, detail: gone };
    }
    const step = await this.stepOnce(server, group, action, request);
    // A decider that restarted knows none of the epochs granted before: the server that
    // refused names the newest one it knows, and the start is asked once more above it.
    const newer = !step.ok && action === 'start' ? STALE_CLAIM.exec(step.detail) : null;
    if (newer && this.deps.learn) {
      this.deps.learn(group, Number(newer[1]));
      return this.stepOnce(server, group, action, { ...request, epoch: this.deps.grant(group) });
    }
    return step;
  }

  private async stepOnce(server: string, group: string, action: 'start' | 'stop', request: StepRequest): Promise<Step> {
    if (server === this.deps.self) {
      try {
        const r = action === 'start' ? await this.startHere(group, request) : await this.stopHere(group, request);
        return { server, action, ok: r.ok, detail: r.detail };
      } catch (e) {
        if (e instanceof OperationError) {
          return { server, action, ok: false, detail: e.message };
        }
        throw e;
      }
    }
    const answer = await this.deps.peers.step(server, group, action, request);
    if (answer === undefined) {
      return { server, action, ok: false, detail: `the agent on ${server} did not answer` };
    }
    if (answer.result) {
      return { server, action, ok: answer.result.ok, detail: answer.result.detail };
    }
    return { server, action, ok: false, detail: answer.error ?? `HTTP ${answer.status}` };
  }

  private async coordinate(
    name: string,
    operation: GroupOperation,
    requestedBy: string,
    run: (group: Group) => Promise<Outcome>
  ): Promise<Outcome> {
    const group = this.group(name);
    const busy = this.inFlight.get(name);
    if (busy) {
      throw new OperationError(`group ${name} is busy: a ${busy} is in progress`, 'conflict');
    }
    this.inFlight.set(name, operation);
    try {
      const outcome = await run(group);
      this.deps.onOutcome?.(outcome, requestedBy);
      return outcome;
    } finally {
      this.inFlight.delete(name);
    }
  }

  private group(name: string): Group {
    const g = this.deps.config().groups.find((x) => x.name === name);
    if (!g) {
      throw new OperationError(`no group is named "${name}"`, 'not-found');
    }
    return g;
  }

  private view(name: string) {
    return clusterGroups(this.deps.placement()).find((g) => g.name === name)!;
  }

  private checkTarget(group: Group, server: string) {
    if (!this.deps.config().servers.some((s) => s.name === server)) {
      throw new OperationError(`no server is named "${server}"`, 'not-found');
    }
    if (!startupServers(this.deps.config(), group).includes(server)) {
      throw new OperationError(`${server} is not a startup server of group ${group.name}`, 'conflict');
    }
    if (!this.isUp(server)) {
      throw new OperationError(`${server} is not online`, 'conflict');
    }
  }

  private isUp(server: string): boolean {
    const p = this.deps.placement();
    return isUp(p, server);
  }

  /** Refuses to start a group that a never-heard peer may run (placement.ts unknownHolders). */
  private checkUnknown(group: Group) {
    const unknown = unknownHolders(this.deps.placement(), group);
    if (unknown.length > 0) {
      throw new OperationError(
        `group ${group.name} may be active on ${unknown.join(', ')}, never heard since this agent started or running another group list (a configuration revision not applied there yet): it starts once ${unknown.length > 1 ? 'they are' : 'it is'} heard with this list, fenced, past the watchdog deadline or confirmed down`,
        'unavailable'
      );
    }
  }

  private checkReachable(group: string, holders: string[]) {
    const p = this.deps.placement();
    for (const h of holders) {
      const peer = p.peers.find((x) => x.server === h);
      if (h !== p.self && peer && isSilent(peer.state)) {
        throw new OperationError(
          `group ${group} is held by ${h}, which is not answering (${peer.state}): its resources may still be active there`,
          'conflict'
        );
      }
    }
  }

  private outcome(
    group: string,
    operation: GroupOperation,
    steps: Step[],
    server: string | null,
    detail?: string,
    ok = steps.every((s) => s.ok)
  ): Outcome {
    const failed = steps.find((s) => !s.ok);
    return {
      group,
      operation,
      ok,
      server,
      detail: detail ?? (failed ? `${failed.action} on ${failed.server}: ${failed.detail}` : `${operation} done`),
      steps,
    };
  }
}
