/**
 * Monitors as the status shows them: one entry per monitor, not one per monitor x server.
 * A maximum-size cluster has 512 monitors on 32 servers, 16,384 states that are nearly all
 * `normal`; the question a status answers is which monitors are not, and where. The full
 * per-server list is GET /monitors.
 */
import type { MonitorState, MonitorStatus } from './monitor-board';

/** Most severe first: a monitor whose servers differ shows the one that needs attention most. */
export const BY_SEVERITY: readonly MonitorStatus[] = ['error', 'warning', 'suspended', 'normal'];

export interface MonitorServerState {
  server: string;
  status: MonitorStatus;
  since: number;
  reason: string;
  /** Whose board the state comes from, and whether it may be out of date (cluster-rows.ts). */
  origin?: string;
  stale?: boolean;
}

export interface MonitorSummary {
  name: string;
  /** The most severe status over its servers (error, warning, suspended, normal). */
  status: MonitorStatus;
  /** How many servers are in each status. */
  counts: Record<MonitorStatus, number>;
  /** Only the servers where it is not normal, in configuration order. */
  notNormal: MonitorServerState[];
}

export function summariseMonitors(
  states: Iterable<MonitorState & { origin?: string; stale?: boolean }>
): MonitorSummary[] {
  const byName = new Map<string, MonitorSummary>();
  for (const s of states) {
    let m = byName.get(s.monitor);
    if (m === undefined) {
      m = {
        name: s.monitor,
        status: 'normal',
        counts: { normal: 0, warning: 0, error: 0, suspended: 0 },
        notNormal: [],
      };
      byName.set(s.monitor, m);
    }
    m.counts[s.status]++;
    if (s.status !== 'normal') {
      const where = s.origin === undefined ? {} : { origin: s.origin, stale: s.stale ?? false };
      m.notNormal.push({ server: s.server, status: s.status, since: s.since, reason: s.reason, ...where });
      if (BY_SEVERITY.indexOf(s.status) < BY_SEVERITY.indexOf(m.status)) {
        m.status = s.status;
      }
    }
  }
  return [...byName.values()];
}
