/**
 * What the agent does with the event log's own troubles: a counter of dropped events by
 * reason, a log line when writes start failing and when they work again, and events (in
 * the log itself, once it can write) that say what was lost or moved aside.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log';
import { DROP_REASONS, type EventLog, type EventLogReports } from './event-log';
import type { MovedAside } from './sqlite-file';

export interface ReportDeps {
  registry: Registry;
  log: Logger;
  server: string;
  /** The log itself, once it exists (reports may come while it is being opened). */
  events: () => EventLog | undefined;
}

export function eventLogReports(deps: ReportDeps): EventLogReports {
  const dropped = new Counter({
    name: 'lifeline_event_log_dropped_total',
    help: 'Events not stored, by reason: queue-full (a storm the disk cannot keep up with), disk-full, write-error, corrupt.',
    labelNames: ['reason'],
    registers: [deps.registry],
  });
  for (const reason of DROP_REASONS) {
    dropped.labels(reason).inc(0); // every reason visible from the start, so increase() works
  }
  return {
    dropped: (reason, n) => dropped.labels(reason).inc(n),
    writeFailed: (reason, message) =>
      deps.log.error(
        { reason, error: message },
        'the event log cannot store events: they are dropped and counted (lifeline_event_log_dropped_total) until writes succeed again'
      ),
    writable: (outage) => {
      deps.log.warn(
        { reason: outage.reason, dropped: outage.dropped, since: new Date(outage.since).toISOString() },
        'the event log stores events again'
      );
      deps.events()?.append({
        time: outage.until,
        server: deps.server,
        type: 'event-log',
        class: 'recoverable',
        summary: `${outage.dropped} event(s) were not stored from ${new Date(outage.since).toISOString()} to ${new Date(outage.until).toISOString()} (${outage.reason}: ${outage.message})`,
        fields: { ...outage },
      });
    },
    movedAside: (moved) => movedAside(deps, moved),
  };
}

export function movedAside(deps: ReportDeps, moved: MovedAside): void {
  deps.log.error(
    { file: moved.file, movedTo: moved.movedTo, reason: moved.reason },
    'the event log file was broken: it was moved aside and a new event log started'
  );
  deps.events()?.append({
    // A display timestamp, taken once while the log is (re)opened: nothing waits on it.
    time: Date.now(),
    server: deps.server,
    type: 'event-log',
    class: 'recoverable',
    summary: `the event log ${moved.file} was broken (${moved.reason}); it was moved to ${moved.movedTo} and a new log started`,
    fields: { ...moved },
  });
}
