/**
 * The server state machine. A peer's state is a pure function of the evidence: its paths
 * (from heartbeats) and its BMC (readings fed in from outside). Deriving the state afresh
 * at each evaluation, instead of stepping a stored state on events, means every transition
 * is explained by the evidence it carries, and no sequence of events can leave a stale
 * state behind. The transitions this allows are therefore "any state to any state", each
 * justified by the evidence at that instant:
 *
 *   any path fresh                                   -> online
 *   no path fresh, some path not down                -> suspect
 *   every path down, and current BMC evidence says:
 *     reachable, power off                           -> offline-confirmed
 *     reachable, power on                            -> hung-or-partitioned
 *   every path down, otherwise                       -> unknown
 *     (no BMC configured, no reading, reading older than the last heartbeat or than
 *      bmcMaxAgeMs, BMC unreachable, power state unknown)
 *
 * Choices, and why:
 * - A down path on an otherwise fresh server leaves it `online` (with `degraded` in the
 *   snapshot and a path event): the product shows a server online with one heartbeat in
 *   error, and "suspect" is kept for "this server may be about to be declared down", which
 *   is what failover logic and operators need to tell apart.
 * - BMC evidence counts only when it was taken after the last heartbeat: a "power off" read
 *   before a heartbeat arrived has been overtaken (the server came back), and a "power on"
 *   read before the silence says nothing about the silence.
 * - `pending` paths (never heard, started less than a timeout ago) keep the server
 *   `suspect`, never down: nothing is declared dead before it had a timeout to speak.
 */
import type { Timing } from './timing';
import type { BmcEvidence, BmcReport, Evidence, PathEvidence, ServerState } from './types';

export function bmcEvidence(
  configured: boolean,
  report: BmcReport | null,
  lastHeardAt: number | null,
  now: number,
  timing: Timing
): BmcEvidence {
  if (report === null) {
    return { configured, report, current: false, ageMs: null };
  }
  const ageMs = now - report.at;
  const current = configured && ageMs < timing.bmcMaxAgeMs && (lastHeardAt === null || report.at > lastHeardAt);
  return { configured, report, current, ageMs };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function silentReason(bmc: BmcEvidence, timing: Timing): [ServerState, string] {
  const silent = `no heartbeat on any path for ${seconds(timing.timeoutMs)} or more`;
  if (!bmc.configured) {
    return ['unknown', `${silent}; no BMC configured`];
  }
  if (bmc.report === null) {
    return ['unknown', `${silent}; no BMC reading yet`];
  }
  if (!bmc.current) {
    return [
      'unknown',
      `${silent}; the latest BMC reading (${seconds(bmc.ageMs ?? 0)} old) predates the silence or is too old`,
    ];
  }
  if (!bmc.report.reachable) {
    return ['unknown', `${silent}; BMC unreachable`];
  }
  if (bmc.report.power === 'off') {
    return ['offline-confirmed', `${silent}; BMC reports power off`];
  }
  if (bmc.report.power === 'on') {
    return ['hung-or-partitioned', `${silent}; BMC reports power on`];
  }
  return ['unknown', `${silent}; BMC reachable but power state unknown`];
}

/** The state the evidence supports, with the evidence and a one-line reason. */
export function classifyServer(
  paths: PathEvidence[],
  bmc: BmcEvidence,
  timing: Timing
): { state: ServerState; evidence: Evidence } {
  let state: ServerState;
  let reason: string;
  const fresh = paths.filter((p) => p.fresh);
  const notDown = paths.filter((p) => p.state !== 'down');
  if (fresh.length > 0) {
    state = 'online';
    const down = paths.filter((p) => p.state === 'down');
    reason =
      `heard on interconnect ${fresh.map((p) => p.interconnect).join(', ')}` +
      (down.length > 0 ? `; interconnect ${down.map((p) => p.interconnect).join(', ')} down` : '');
  } else if (notDown.length > 0) {
    state = 'suspect';
    const quiet = Math.min(...paths.map((p) => p.silenceMs));
    reason = notDown.every((p) => p.state === 'pending')
      ? `not heard yet since this agent started ${seconds(quiet)} ago`
      : `no heartbeat on any path for ${seconds(quiet)} (suspect after ${seconds(timing.suspectAfterMs)}, down after ${seconds(timing.timeoutMs)})`;
  } else {
    [state, reason] = silentReason(bmc, timing);
  }
  return { state, evidence: { paths, bmc, reason } };
}
