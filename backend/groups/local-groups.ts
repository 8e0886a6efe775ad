/**
 * The groups on this server: each one's state here, its resources, and the one operation
 * that may run on it at a time. Starting runs the resources in dependency order; a
 * resource that fails to start makes the group stop it and what it had started (in reverse), so
 * a failed start leaves nothing half-active behind and another server may take the group.
 * Only when that clean-up itself fails is the group left `stop-failed`: its resources may
 * still be active, so it still counts as held here and no other server may start it until
 * an operator (or fencing) settles it.
 *
 * No I/O of its own: resource drivers and the clock are injected, so unit tests run it with
 * scripted drivers and the agent with the real ones.
 */
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { Group, Resource } from '../config/model';
import { startOrder, stopOrder } from './plan';
import type { ActionContext, ActionResult, GroupEvent, ResourceAction, ResourceDriver } from './resources/types';

export const LOCAL_GROUP_STATES = ['offline', 'starting', 'online', 'stopping', 'start-failed', 'stop-failed'] as const;
export type LocalGroupState = (typeof LOCAL_GROUP_STATES)[number];
export type ResourceState = 'offline' | 'starting' | 'online' | 'stopping' | 'failed';

/** States in which the group's resources may be active on this server. */
export const HOLDING_STATES: ReadonlySet<LocalGroupState> = new Set(['starting', 'online', 'stopping', 'stop-failed']);

export interface ResourceStatus {
  name: string;
  type: Resource['type'];
  state: ResourceState;
  /** The last action's one-line outcome. */
  detail: string | null;
}

export interface LocalGroupStatus {
  group: string;
  state: LocalGroupState;
  since: number;
  reason: string;
  resources: ResourceStatus[];
}

export interface ResourceOutcome {
  group: string;
  resource: string;
  type: Resource['type'];
  action: ResourceAction;
  event: GroupEvent;
  result: ActionResult;
}

export interface GroupChange {
  group: string;
  from: LocalGroupState;
  to: LocalGroupState;
  reason: string;
  at: number;
}

export interface LocalGroupsEvents {
  change: [GroupChange];
  resource: [ResourceOutcome];
}

export interface OperationResult {
  ok: boolean;
  /** false when the group already was where the operation would take it. */
  changed: boolean;
  state: LocalGroupState;
  detail: string;
}

/** The group already has an operation running here. */
export class GroupBusyError extends Error {}

export type Drivers = { [T in Resource['type']]: ResourceDriver<Extract<Resource, { type: T }>> };

interface Entry {
  /** The definition the group runs with (and stops with): a new one waits in `next`. */
  group: Group;
  next?: Group;
  /** Gone from the configuration: stopped if held here, then forgotten. */
  removed?: boolean;
  status: LocalGroupStatus;
  busy: boolean;
}

/** States in which a group's resources are all down and it is not being worked on. */
const IDLE: ReadonlySet<LocalGroupState> = new Set(['offline', 'start-failed']);

export class LocalGroups extends EventEmitter<LocalGroupsEvents> {
  private readonly entries = new Map<string, Entry>();

  /** Asked before a start runs its first resource: null to go on, else why not (setStartGate). */
  private startGate: ((group: string) => Promise<string | null>) | null = null;

  constructor(
    groups: Group[],
    private readonly server: string,
    private drivers: Drivers,
    /** Wall-clock epoch ms (Clock.wallNow): `since` and change times are display timestamps. */
    private readonly now: () => number = Date.now
  ) {
    super();
    for (const g of groups) {
      this.entries.set(g.name, newEntry(g, now(), 'agent started'));
    }
  }

  /**
   * What a start waits for once it is announced: the agent confirms that every peer heard
   * has received the announcement (membership/confirmation.ts), so that a network cut at
   * that moment cannot hide the start from the side that will win.
   */
  setStartGate(gate: (group: string) => Promise<string | null>): void {
    this.startGate = gate;
  }

  /**
   * A new configuration revision: new groups are added offline; a changed group that is idle
   * here takes its new definition at once, one active here at its next start (it must stop
   * what it started); a removed group is forgotten once idle, and stopped first if held here.
   * `drivers` replaces the resource drivers (script users may have changed).
   */
  reconfigure(groups: Group[], drivers?: Drivers): void {
    if (drivers) {
      this.drivers = drivers;
    }
    const wanted = new Map(groups.map((g) => [g.name, g]));
    for (const [name, e] of this.entries) {
      const g = wanted.get(name);
      e.removed = g === undefined;
      e.next = g !== undefined && !isDeepStrictEqual(g, e.group) ? g : undefined;
      this.settle(e);
    }
    for (const g of groups) {
      if (!this.entries.has(g.name)) {
        this.entries.set(g.name, newEntry(g, this.now(), 'added by a new configuration revision'));
      }
    }
  }

  /** Applies what reconfigure() left waiting, now that nothing runs on the group. */
  private settle(e: Entry): void {
    if (e.busy) {
      return;
    }
    const name = e.group.name;
    if (e.removed && IDLE.has(e.status.state)) {
      this.entries.delete(name);
    } else if (e.removed && e.status.state === 'online') {
      // Running here but no longer configured: stopped (a stop that fails leaves it
      // stop-failed, held, for an operator, as any failed stop does).
      void this.stop(name, 'STOP').catch(() => undefined);
    } else if (e.next && IDLE.has(e.status.state)) {
      e.group = e.next;
      e.next = undefined;
      e.status.resources = e.group.resources.map((r) => ({
        name: r.name,
        type: r.type,
        state: 'offline',
        detail: null,
      }));
    }
  }

  has(group: string): boolean {
    return this.entries.has(group);
  }

  status(group: string): LocalGroupStatus | undefined {
    const e = this.entries.get(group);
    return e && structuredClone(e.status);
  }

  list(): LocalGroupStatus[] {
    return [...this.entries.values()].map((e) => structuredClone(e.status));
  }

  /** Each group's state here, without the detail (cheap enough for every scrape). */
  states(): Array<{ group: string; state: LocalGroupState }> {
    return [...this.entries.values()].map((e) => ({ group: e.group.name, state: e.status.state }));
  }

  /** Groups whose resources may be active here: what heartbeats announce as held. */
  held(): string[] {
    return [...this.entries.values()].filter((e) => HOLDING_STATES.has(e.status.state)).map((e) => e.group.name);
  }

  busy(group: string): boolean {
    return this.entries.get(group)?.busy ?? false;
  }

  async start(group: string, event: GroupEvent, from?: string): Promise<OperationResult> {
    return this.exclusive(group, async (e) => {
      if (e.status.state === 'online') {
        return { ok: true, changed: false, state: 'online', detail: 'already online' };
      }
      if (e.status.state === 'stop-failed') {
        return { ok: false, changed: false, state: 'stop-failed', detail: stopFailedDetail(e) };
      }
      const ctx: ActionContext = { group, server: this.server, event, from };
      this.setState(e, 'starting', `${event.toLowerCase()} requested`);
      // Announced as starting (the change above); no resource runs before peers know it.
      const refused = this.startGate ? await this.startGate(group) : null;
      if (refused !== null) {
        const detail = `not started: ${refused}`;
        this.setState(e, 'offline', detail);
        return { ok: false, changed: true, state: 'offline', detail };
      }
      const started: Resource[] = [];
      for (const r of startOrder(e.group)) {
        const result = await this.act(e, r, 'start', ctx);
        if (!result.ok) {
          const failure = `resource ${r.name} failed to start: ${result.detail}`;
          // The failed resource is stopped too: a script may have launched its daemon and
          // then failed, and only its stop takes that daemon down.
          const cleaned = await this.stopAll(e, [r, ...started.reverse()], { ...ctx, event: 'STOP' });
          if (!cleaned.ok) {
            this.setState(e, 'stop-failed', `${failure}; then ${cleaned.detail}`);
            return { ok: false, changed: true, state: 'stop-failed', detail: e.status.reason };
          }
          this.setState(e, 'start-failed', failure);
          return { ok: false, changed: true, state: 'start-failed', detail: failure };
        }
        started.push(r);
      }
      this.setState(e, 'online', `started (${event.toLowerCase()})`);
      return { ok: true, changed: true, state: 'online', detail: 'started' };
    });
  }

  /**
   * Stops every resource, in reverse dependency order, even those believed offline (stop
   * is idempotent, and after an agent restart "offline" is only what we last knew).
   */
  async stop(group: string, event: GroupEvent): Promise<OperationResult> {
    return this.exclusive(group, async (e) => {
      if (e.status.state === 'offline' || e.status.state === 'start-failed') {
        return { ok: true, changed: false, state: e.status.state, detail: 'already offline' };
      }
      this.setState(e, 'stopping', `${event.toLowerCase()} requested`);
      const result = await this.stopAll(e, stopOrder(e.group), { group, server: this.server, event });
      if (!result.ok) {
        this.setState(e, 'stop-failed', result.detail);
        return { ok: false, changed: true, state: 'stop-failed', detail: result.detail };
      }
      this.setState(e, 'offline', `stopped (${event.toLowerCase()})`);
      return { ok: true, changed: true, state: 'offline', detail: 'stopped' };
    });
  }

  /**
   * Stops a group that the previous run of this agent held when it ended without stopping
   * it (a crash, SIGKILL): its daemons may still run and its address may still be up, and
   * this run knows nothing of them. Held (`stopping`) until the stop is done, so no other
   * server starts the group meanwhile.
   */
  async releaseLeftover(group: string): Promise<OperationResult> {
    return this.exclusive(group, async (e) => {
      this.setState(e, 'stopping', 'left active by the previous run of the agent');
      const result = await this.stopAll(e, stopOrder(e.group), { group, server: this.server, event: 'STOP' });
      this.setState(
        e,
        result.ok ? 'offline' : 'stop-failed',
        result.ok ? 'released after an agent restart' : result.detail
      );
      return { ok: result.ok, changed: true, state: e.status.state, detail: result.detail };
    });
  }

  /** Stops every group this server holds (agent shutdown); the results, by group. */
  async stopHeld(event: GroupEvent): Promise<Map<string, OperationResult>> {
    const results = new Map<string, OperationResult>();
    for (const name of this.held().reverse()) {
      const e = this.entries.get(name);
      if (!e) {
        continue; // removed by a new revision while the others were stopped (and stopped itself)
      }
      try {
        results.set(name, await this.stop(name, event));
      } catch (err) {
        results.set(name, { ok: false, changed: false, state: e.status.state, detail: String(err) });
      }
    }
    return results;
  }

  /** Stops all the given resources, carrying on past failures (a stop must take down all it can). */
  private async stopAll(e: Entry, resources: Resource[], ctx: ActionContext): Promise<{ ok: boolean; detail: string }> {
    const failed: string[] = [];
    for (const r of resources) {
      const result = await this.act(e, r, 'stop', ctx);
      if (!result.ok) {
        failed.push(`${r.name}: ${result.detail}`);
      }
    }
    return failed.length === 0
      ? { ok: true, detail: 'stopped' }
      : { ok: false, detail: `resource(s) failed to stop: ${failed.join('; ')}` };
  }

  private async act(e: Entry, r: Resource, action: ResourceAction, ctx: ActionContext): Promise<ActionResult> {
    const rs = e.status.resources.find((x) => x.name === r.name)!;
    rs.state = action === 'start' ? 'starting' : 'stopping';
    const driver = this.drivers[r.type] as ResourceDriver;
    let result: ActionResult;
    try {
      result = await driver.run(r, action, ctx);
    } catch (err) {
      // Drivers promise not to throw; if one does anyway, it is that resource's failure.
      result = { ok: false, detail: `driver error: ${(err as Error).message}`, durationMs: 0 };
    }
    rs.state = result.ok ? (action === 'start' ? 'online' : 'offline') : 'failed';
    rs.detail = result.detail;
    this.emit('resource', { group: e.group.name, resource: r.name, type: r.type, action, event: ctx.event, result });
    return result;
  }

  private async exclusive(group: string, op: (e: Entry) => Promise<OperationResult>): Promise<OperationResult> {
    const e = this.entries.get(group);
    if (!e) {
      throw new RangeError(`no group is named "${group}"`);
    }
    if (e.busy) {
      throw new GroupBusyError(`group ${group} is busy (${e.status.state})`);
    }
    e.busy = true;
    try {
      return await op(e);
    } finally {
      e.busy = false;
      this.settle(e);
    }
  }

  private setState(e: Entry, to: LocalGroupState, reason: string) {
    const from = e.status.state;
    const at = this.now();
    e.status.state = to;
    e.status.since = at;
    e.status.reason = reason;
    this.emit('change', { group: e.group.name, from, to, reason, at });
  }
}

function newEntry(g: Group, since: number, reason: string): Entry {
  return {
    group: g,
    busy: false,
    status: {
      group: g.name,
      state: 'offline',
      since,
      reason,
      resources: g.resources.map((r) => ({ name: r.name, type: r.type, state: 'offline', detail: null })),
    },
  };
}

function stopFailedDetail(e: Entry): string {
  return `group ${e.group.name} failed to stop here (${e.status.reason}); its resources may still be active: stop it again once the cause is fixed`;
}
