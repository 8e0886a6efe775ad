/**
 * Compile-time check that what the agent sends fits what the Grafana console parses
 * (backend/api/answers/): changing a field of the status, a group, a monitor or an event
 * breaks `npm run typecheck` here instead of the console at run time. No code runs.
 */
import type * as z from 'zod/mini';
import type { ClusterStatus } from '../agent/status';
import type { ApplyResult } from '../agent/config-apply';
import type { StoredEvent } from '../events/event-log';
import type { GroupView } from '../groups/view';
import type { Outcome } from '../groups/operations';
import type { MonitorState } from '../monitors/monitor-board';
import type * as answers from './answers';

type Fits<Sent, Parsed> = Sent extends Parsed ? true : never;

export type AnswerChecks = [
  Fits<ClusterStatus, z.input<typeof answers.clusterStatus>>,
  Fits<{ groups: GroupView[] }, z.input<typeof answers.groupsAnswer>>,
  Fits<Outcome & { done: true }, z.input<typeof answers.operationAnswer>>,
  Fits<{ monitors: MonitorState[] }, z.input<typeof answers.monitorsAnswer>>,
  Fits<
    { events: Array<StoredEvent & { origin: string }>; unreachable: string[] },
    z.input<typeof answers.eventsAnswer>
  >,
  Fits<{ events: StoredEvent[]; next?: number }, z.input<typeof answers.eventsAnswer>>,
  Fits<ApplyResult, z.input<typeof answers.configApplyAnswer>>,
];

/** A check that fails resolves to `never`, which this assignment refuses. */
export const answerChecks: AnswerChecks = [true, true, true, true, true, true, true];
