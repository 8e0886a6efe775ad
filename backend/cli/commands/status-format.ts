/**
 * `lifeline status` as text: a compact table in the manner of the product's clpstat (pure).
 * Servers x interconnects (up/down per heartbeat path; the BMC interconnect column is the
 * presence ping of that server's BMC) with the chassis power, then groups, then monitors.
 */
import type { ClusterStatus, StatusPathState } from '../../agent/status';
import { BY_SEVERITY, type MonitorSummary } from '../../monitors/monitor-summary';

export type TimeFormat = (epochMs: number) => string;

export const clockTime: TimeFormat = (ms) => new Date(ms).toTimeString().slice(0, 8);

export function table(rows: string[][]): string[] {
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i])))
      .join('  ')
      .trimEnd()
  );
}

const PATH: Record<StatusPathState, string> = { up: 'up', down: 'DOWN', pending: 'wait', self: '-' };

/** Group states an operator must look at (an offline group may be deliberately stopped). */
const ATTENTION_GROUP_STATES = new Set(['start-failed', 'stop-failed', 'unreachable', 'conflict']);

/** "1 error, 31 normal": the statuses that occur, most severe first. */
function counts(c: MonitorSummary['counts']): string {
  return BY_SEVERITY.filter((st) => c[st] > 0)
    .map((st) => `${c[st]} ${st}`)
    .join(', ');
}

/** Problems worth a non-zero exit: empty when all is well. */
export function statusProblems(s: ClusterStatus): string[] {
  const problems: string[] = [];
  if (!s.heartbeat.running) {
    problems.push(`heartbeats are not running${s.heartbeat.error ? `: ${s.heartbeat.error}` : ''}`);
  }
  for (const server of s.servers) {
    if (server.state !== 'online') {
      problems.push(`server ${server.name} is ${server.state}`);
    }
  }
  for (const m of s.monitors) {
    for (const on of m.notNormal) {
      if (on.status === 'error') {
        problems.push(`monitor ${m.name} on ${on.server} is in error`);
      }
    }
  }
  for (const g of s.groups) {
    if (ATTENTION_GROUP_STATES.has(g.state)) {
      problems.push(`group ${g.name} is ${g.state}${g.holders.length > 0 ? ` (${g.holders.join(', ')})` : ''}`);
    }
  }
  for (const c of s.config.conflicts) {
    problems.push(`configuration revision ${c.revision} conflicts between ${Object.keys(c.hashes).join(', ')}`);
  }
  return problems;
}

/** Why a row may be out of date: when its server's agent was last heard ("server2 not heard from"). */
function staleNote(s: ClusterStatus, origin: string, time: TimeFormat): string {
  const seen = s.monitorSources?.find((m) => m.server === origin)?.seenAt ?? null;
  return seen === null ? `${origin} not heard from` : `last seen from ${origin} at ${time(seen)}`;
}

export function formatStatus(s: ClusterStatus, time: TimeFormat = clockTime): string {
  const out: string[] = [];
  const waiting = s.config.restartChanges ?? [];
  const restart =
    s.config.runningRevision !== s.config.revision
      ? `, running ${s.config.runningRevision} until restart`
      : waiting.length > 0
        ? `; waiting for a restart (lifeline cluster restart): ${waiting.map((c) => c.summary).join('; ')}`
        : '';
  out.push(
    `Cluster ${s.cluster}, seen from ${s.self}: configuration revision ${s.config.revision} (${s.config.hash.slice(0, 12)}${restart}), ` +
      `heartbeat every ${s.heartbeat.intervalMs} ms, down after ${s.heartbeat.timeoutMs} ms` +
      (s.heartbeat.muted ? ', HEARTBEATS MUTED' : '') +
      (s.heartbeat.error ? `, ${s.heartbeat.error}` : '')
  );
  out.push('');
  const ics = s.interconnects.map((ic) => `${ic.type}${ic.index}`);
  const servers = [['SERVER', 'STATE', 'SINCE', ...ics, 'POWER', 'REASON']];
  for (const sv of s.servers) {
    servers.push([
      `${sv.self ? '*' : ' '} ${sv.name}`,
      sv.state + (sv.degraded ? ' (degraded)' : ''),
      sv.since === null ? '-' : time(sv.since),
      ...sv.paths.map((p) => PATH[p.state]),
      sv.bmc === null || sv.self ? '-' : sv.bmc.power,
      sv.self ? '' : (sv.reason ?? ''),
    ]);
  }
  out.push(...table(servers));
  out.push('');
  if (s.groups.length > 0) {
    out.push(
      ...table([
        ['GROUP', 'STATE', 'CURRENT', 'OPERATION'],
        ...s.groups.map((g) => [`  ${g.name}`, g.state, g.currentServer ?? '-', g.operation ?? '']),
      ])
    );
  } else {
    out.push('GROUP: none configured');
  }
  out.push('');
  if (s.monitors.length > 0) {
    // A row per monitor with its counts, under it a row per server where it is not normal.
    out.push(
      ...table([
        ['MONITOR', 'STATUS', 'SINCE', 'SERVERS / REASON'],
        ...s.monitors.flatMap((m) => [
          [`  ${m.name}`, m.status, '', counts(m.counts)],
          ...m.notNormal.map((on) => [
            `    ${on.server}`,
            on.status,
            time(on.since),
            on.stale ? `${on.reason} (stale: ${staleNote(s, on.server, time)})` : on.reason,
          ]),
        ]),
      ])
    );
  } else {
    out.push('MONITOR: none configured');
  }
  for (const c of s.config.conflicts) {
    out.push('');
    out.push(
      `CONFIGURATION CONFLICT at revision ${c.revision}: ${Object.entries(c.hashes)
        .map(([sv, h]) => `${sv} ${h.slice(0, 12)}`)
        .join(', ')}`
    );
  }
  return out.join('\n') + '\n';
}
