// How one peer's BMC state moves on each ping or status result: pure functions, so the
// transitions are tested without sockets, processes or timers.

import type { PingResult } from './rmcp-ping';
import type { IpmiCallResult, PowerState } from './types';

export interface BmcError {
  source: 'ping' | 'ipmi';
  message: string;
  /** Wall-clock ms when it happened. */
  at: number;
}

export interface BmcPeerState {
  server: string;
  /** The BMC answered presence pings (false after `unreachableAfterMisses` unanswered ones in a row). */
  reachable: boolean;
  /** Chassis power as last read; `unknown` until read and after a failed read. */
  power: PowerState;
  /** Round-trip time of the latest ping if it was answered; null if it was not. */
  lastPingRttMs: number | null;
  /** When the latest ping finished (answered or not); null before the first one. */
  lastPingAt: number | null;
  consecutivePingFailures: number;
  /** When power was last read successfully; null if never. */
  lastStatusAt: number | null;
  /** The latest failure still standing: a later success of the same source clears it. */
  lastError: BmcError | null;
}

export type ChangedField = 'checked' | 'reachable' | 'power' | 'lastError';

export function initialState(server: string): BmcPeerState {
  return {
    server,
    reachable: false,
    power: 'unknown',
    lastPingRttMs: null,
    lastPingAt: null,
    consecutivePingFailures: 0,
    lastStatusAt: null,
    lastError: null,
  };
}

export function applyPing(
  state: BmcPeerState,
  result: PingResult,
  now: number,
  unreachableAfterMisses: number
): BmcPeerState {
  if (result.ok) {
    return {
      ...state,
      reachable: true,
      lastPingRttMs: result.rttMs,
      lastPingAt: now,
      consecutivePingFailures: 0,
      lastError: state.lastError?.source === 'ping' ? null : state.lastError,
    };
  }
  const failures = state.consecutivePingFailures + 1;
  return {
    ...state,
    // One lost datagram is not an outage: reachable drops only after N misses in a row.
    reachable: state.reachable && failures < unreachableAfterMisses,
    lastPingRttMs: null,
    lastPingAt: now,
    consecutivePingFailures: failures,
    lastError: { source: 'ping', message: `${result.reason}: ${result.detail}`, at: now },
  };
}

export function applyStatus(state: BmcPeerState, result: IpmiCallResult, now: number): BmcPeerState {
  if (result.outcome === 'busy') {
    // Nothing was asked of the BMC (a fencing call holds it): no new information.
    return state;
  }
  if (result.ok && result.power !== undefined) {
    return {
      ...state,
      power: result.power,
      lastStatusAt: now,
      lastError: state.lastError?.source === 'ipmi' ? null : state.lastError,
    };
  }
  return {
    ...state,
    // A power state we could not read now is unknown, whatever it was before: a consumer
    // must never act on a stale "off".
    power: 'unknown',
    lastError: { source: 'ipmi', message: result.error ?? result.outcome, at: now },
  };
}

/** The fields whose change is worth an event (RTT and timestamps move every second: not events). */
export function changedFields(before: BmcPeerState, after: BmcPeerState): ChangedField[] {
  const changed: ChangedField[] = [];
  if (before.lastPingAt === null && after.lastPingAt !== null) {
    changed.push('checked');
  }
  if (before.reachable !== after.reachable) {
    changed.push('reachable');
  }
  if (before.power !== after.power) {
    changed.push('power');
  }
  if (before.lastError?.source !== after.lastError?.source || before.lastError?.message !== after.lastError?.message) {
    changed.push('lastError');
  }
  return changed;
}
