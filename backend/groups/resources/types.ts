/**
 * What a group needs from a resource type: bring it up on this server, take it down, both
 * idempotent (a stop after a crash may find it already down; a start may find it already
 * up after an agent restart) and bounded in time. Drivers never throw: every outcome is
 * an `ActionResult` the group runner can log, count and act on.
 */
import type { Resource } from '../../config/model';

export type ResourceAction = 'start' | 'stop';

/** Why the group is being started or stopped; scripts see it as LIFELINE_EVENT. */
export type GroupEvent = 'START' | 'STOP' | 'MOVE' | 'FAILOVER' | 'RECOVER';

export interface ActionContext {
  group: string;
  server: string;
  event: GroupEvent;
  /** For a move or failover: the server the group came from, when known. */
  from?: string;
}

export interface ActionResult {
  ok: boolean;
  /** One line for logs, events and the API: what happened or what went wrong. */
  detail: string;
  durationMs: number;
}

export interface ResourceDriver<R extends Resource = Resource> {
  run(resource: R, action: ResourceAction, ctx: ActionContext): Promise<ActionResult>;
}
