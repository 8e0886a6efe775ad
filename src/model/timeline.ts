/**
 * Every failover explained from the cluster's event log: what the BMC reported (trap),
 * which monitor went into error, what was decided (the recovery step, or a takeover after
 * a server went down) and the steps that moved the group. Pure: events in, stories out.
 */
import type { StoredEventAnswer } from '../../backend/api/answers';

export type StageKind = 'cause' | 'trap' | 'monitor' | 'decision' | 'step' | 'outcome';

export interface Stage {
  kind: StageKind;
  time: number;
  origin: string;
  text: string;
  ok?: boolean;
}

export interface Failover {
  key: string;
  group: string;
  /** Where it ran before and where it runs after (null: nowhere). */
  from: string | null;
  to: string | null;
  ok: boolean;
  /** recovery:MONITOR, failover (takeover), api:NAME (operator move). */
  by: string;
  start: number;
  end: number;
  stages: Stage[];
}

/** How far back a cause is looked for before the decision. */
const WINDOW_MS = 120_000;

const originOf = (e: StoredEventAnswer) => e.origin ?? e.server;
const groupOf = (e: StoredEventAnswer) => (e.fields as { group?: string } | null | undefined)?.group;

interface OpFields {
  group?: string;
  operation?: string;
  ok?: boolean;
  server?: string | null;
  steps?: Array<{ server: string; action: string; ok: boolean; detail: string }>;
}

export function buildFailovers(events: readonly StoredEventAnswer[]): Failover[] {
  const asc = [...events].sort((a, b) => a.time - b.time || a.id - b.id);
  const out: Failover[] = [];
  for (const anchor of asc) {
    if (anchor.type !== 'group-operation') {
      continue;
    }
    const f = (anchor.fields ?? {}) as OpFields;
    const by = anchor.source ?? '';
    const isFailover = by.startsWith('recovery:') || by === 'failover' || f.operation === 'move';
    if (!isFailover || !f.group) {
      continue;
    }
    const group = f.group;
    const before = (e: StoredEventAnswer, limit: number) => e.time <= limit && e.time >= anchor.time - WINDOW_MS;
    const stages: Stage[] = [];
    // The group's own transitions since its previous operation belong to this one.
    const previous = latest(
      asc,
      (e) => e.type === 'group-operation' && e !== anchor && e.time <= anchor.time && groupOf(e) === group
    );
    const transitions = asc.filter(
      (e) =>
        e.type === 'group' &&
        groupOf(e) === group &&
        e.time <= anchor.time &&
        e.time > (previous?.time ?? -Infinity) &&
        before(e, anchor.time)
    );
    const firstMove = transitions[0]?.time ?? anchor.time;

    if (by.startsWith('recovery:')) {
      const monitor = by.slice('recovery:'.length);
      const decision = latest(asc, (e) => e.type === 'recovery' && e.monitor === monitor && before(e, anchor.time));
      const limit = decision?.time ?? anchor.time;
      const monitorEvent = latest(
        asc,
        (e) => e.type === 'monitor' && e.monitor === monitor && e.class === 'fatal' && before(e, limit)
      );
      const request = latest(asc, (e) => e.type === 'recovery-request' && e.monitor === monitor && before(e, limit));
      const trapId = (request?.fields as { eventId?: number } | null | undefined)?.eventId;
      const trap =
        (trapId !== undefined &&
          asc.find((e) => e.type === 'trap' && e.id === trapId && (!request || originOf(e) === originOf(request)))) ||
        latest(asc, (e) => e.type === 'trap' && e.monitor === monitor && before(e, monitorEvent?.time ?? limit));
      if (trap) {
        stages.push({ kind: 'trap', time: trap.time, origin: originOf(trap), text: trap.summary });
      }
      if (monitorEvent) {
        stages.push({
          kind: 'monitor',
          time: monitorEvent.time,
          origin: originOf(monitorEvent),
          text: monitorEvent.summary,
        });
      }
      if (decision) {
        stages.push({ kind: 'decision', time: decision.time, origin: originOf(decision), text: decision.summary });
      }
    } else if (by === 'failover') {
      const down = latest(
        asc,
        (e) => (e.type === 'membership' || e.type === 'partition') && e.class === 'fatal' && before(e, anchor.time)
      );
      if (down) {
        stages.push({ kind: 'cause', time: down.time, origin: originOf(down), text: down.summary });
      }
      stages.push({ kind: 'decision', time: firstMove, origin: originOf(anchor), text: `takeover of ${group}` });
    } else {
      stages.push({
        kind: 'decision',
        time: firstMove,
        origin: originOf(anchor),
        text: `${f.operation ?? 'move'} requested by ${by}`,
      });
    }
    const start = Math.min(anchor.time, ...stages.map((s) => s.time));
    // The group's state changes on each server between the decision and the outcome.
    for (const e of transitions) {
      if (e.time >= start) {
        stages.push({ kind: 'step', time: e.time, origin: originOf(e), text: e.summary });
      }
    }
    for (const s of f.steps ?? []) {
      stages.push({
        kind: 'outcome',
        time: anchor.time,
        origin: originOf(anchor),
        text: `${s.action} on ${s.server}: ${s.detail}`,
        ok: s.ok,
      });
    }
    const firstStop = f.steps?.find((s) => s.action === 'stop');
    out.push({
      key: `${originOf(anchor)}:${anchor.id}`,
      group,
      from: firstStop?.server ?? null,
      to: f.server ?? null,
      ok: f.ok ?? false,
      by,
      start,
      end: anchor.time,
      stages: stages.sort((a, b) => a.time - b.time || order(a.kind) - order(b.kind)),
    });
  }
  return out.reverse();
}

const ORDER: StageKind[] = ['cause', 'trap', 'monitor', 'decision', 'step', 'outcome'];
const order = (k: StageKind) => ORDER.indexOf(k);

function latest<T>(xs: readonly T[], pred: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) {
    if (pred(xs[i])) {
      return xs[i];
    }
  }
  return undefined;
}
