/**
 * What membership and BMC observations look like in the event log (pure: no I/O). Times in
 * membership evidence are on the monotonic clock; the event log and operators read wall-clock
 * time, so every time is converted with `toWall` (time/wall.ts toWallTime).
 *
 *   type `membership`   a peer's server state changed; class fatal when it is down
 *                       (offline-confirmed, hung-or-partitioned, unknown), recoverable when
 *                       suspect, informational when online
 *   type `heartbeat`    a LAN path went down (recoverable) or came back (informational), a
 *                       peer's agent restarted, this agent muted or resumed its heartbeats
 *   type `bmc`          a peer's BMC became (un)reachable or its chassis power changed
 */
import type { BmcChange } from '../bmc';
import type { EventClass, NewEvent } from '../events/event-log';
import {
  isLanSilent,
  type Evidence,
  type MutedEvent,
  type PathEvent,
  type RestartEvent,
  type ServerState,
  type TransitionEvent,
} from '../membership';

export type ToWall = (monotonicMs: number) => number;

export function stateClass(state: ServerState): EventClass {
  if (isLanSilent(state)) {
    return 'fatal';
  }
  return state === 'suspect' ? 'recoverable' : 'informational';
}

/** The evidence with wall-clock times (epoch ms), as stored with the event. */
export function wallEvidence(e: Evidence, toWall: ToWall): Record<string, unknown> {
  return {
    reason: e.reason,
    paths: e.paths.map((p) => ({
      interconnect: p.interconnect,
      state: p.state,
      fresh: p.fresh,
      lastHeardAt: p.lastHeardAt === null ? null : Math.round(toWall(p.lastHeardAt)),
      silenceMs: Math.round(p.silenceMs),
    })),
    bmc: {
      configured: e.bmc.configured,
      current: e.bmc.current,
      ageMs: e.bmc.ageMs === null ? null : Math.round(e.bmc.ageMs),
      report:
        e.bmc.report === null
          ? null
          : { reachable: e.bmc.report.reachable, power: e.bmc.report.power, at: Math.round(toWall(e.bmc.report.at)) },
    },
  };
}

export function transitionEvent(t: TransitionEvent, self: string, toWall: ToWall): NewEvent {
  return {
    time: Math.round(toWall(t.at)),
    server: t.server,
    type: 'membership',
    class: stateClass(t.to),
    source: `membership:${self}`,
    summary: `server ${t.server}: ${t.from} -> ${t.to} (${t.evidence.reason})`,
    fields: { from: t.from, to: t.to, evidence: wallEvidence(t.evidence, toWall) },
  };
}

/**
 * A path that went down or came back. The first `pending -> up` of every path at start is
 * not an event (it would add one row per path and peer at every start); it is logged.
 */
export function pathEvent(p: PathEvent, self: string, toWall: ToWall): NewEvent | null {
  if (p.from === 'pending' && p.to === 'up') {
    return null;
  }
  const down = p.to === 'down';
  return {
    time: Math.round(toWall(p.at)),
    server: p.server,
    type: 'heartbeat',
    class: down ? 'recoverable' : 'informational',
    source: `membership:${self}`,
    summary: down
      ? `heartbeat from ${p.server} on interconnect ${p.interconnect} lost (${p.from} -> down)`
      : `heartbeat from ${p.server} on interconnect ${p.interconnect} restored`,
    fields: {
      interconnect: p.interconnect,
      from: p.from,
      to: p.to,
      lastHeardAt: p.lastHeardAt === null ? null : Math.round(toWall(p.lastHeardAt)),
    },
  };
}

export function restartEvent(r: RestartEvent, self: string, toWall: ToWall): NewEvent {
  return {
    time: Math.round(toWall(r.at)),
    server: r.server,
    type: 'heartbeat',
    class: 'informational',
    source: `membership:${self}`,
    summary: `the agent on ${r.server} restarted (incarnation ${r.previousIncarnation} -> ${r.incarnation})`,
    fields: { previousIncarnation: r.previousIncarnation, incarnation: r.incarnation },
  };
}

export function mutedEvent(m: MutedEvent, self: string, toWall: ToWall): NewEvent {
  return {
    time: Math.round(toWall(m.at)),
    server: self,
    type: 'heartbeat',
    class: m.muted ? 'fatal' : 'informational',
    source: `membership:${self}`,
    summary: m.muted ? `this agent stopped sending heartbeats: ${m.reason}` : `heartbeats resumed: ${m.reason}`,
    fields: { muted: m.muted },
  };
}

/** Reachability and power changes are events; the first check and error texts are only logged. */
export function bmcEvent(c: BmcChange, self: string, now: number): NewEvent | null {
  const parts: string[] = [];
  if (c.changed.includes('reachable')) {
    parts.push(c.state.reachable ? 'BMC reachable' : 'BMC unreachable');
  }
  if (c.changed.includes('power') && (c.state.power !== 'unknown' || c.previous.power !== 'unknown')) {
    parts.push(`chassis power ${c.previous.power} -> ${c.state.power}`);
  }
  if (parts.length === 0) {
    return null;
  }
  const bad = (c.changed.includes('reachable') && !c.state.reachable) || c.state.power === 'off';
  return {
    time: now,
    server: c.server,
    type: 'bmc',
    class: bad ? 'recoverable' : 'informational',
    source: `bmc:${self}`,
    summary: `${c.server}: ${parts.join(', ')}${c.state.lastError ? ` (${c.state.lastError.message})` : ''}`,
    fields: {
      reachable: c.state.reachable,
      power: c.state.power,
      previous: { reachable: c.previous.reachable, power: c.previous.power },
      lastError: c.state.lastError,
    },
  };
}
