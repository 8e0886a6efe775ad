/**
 * The heartbeat runtime: the membership core on real UDP and the system clock, plus the
 * reporting back to the agent. It runs inside the heartbeat worker (worker.ts) or, in
 * in-process mode, in the agent's main thread; either way it talks only through messages
 * (protocol.ts), so both modes behave the same.
 *
 * Reporting: events are batched and posted at the end of the current turn of the event
 * loop together with a fresh snapshot, and a snapshot (with the RTT samples gathered since
 * the last report) is also posted every interval, so the agent's view is never more than
 * one interval old.
 *
 * Main-thread watchdog: a heartbeat sender that outlives a stuck agent would hide the
 * failure from the cluster (peers keep seeing "online" while nothing runs failovers or
 * monitors). So the worker mutes its heartbeats when the main thread has not said it is
 * alive for `mainStallLimitMs`, and resumes when it does again. Pauses shorter than that
 * (garbage collection, a long synchronous task) are ridden out, which is the point.
 */
// The worker builds its own systemClock: a thread has no other way to read time, and
// hrtime is the same monotonic clock the main thread's systemClock reads.
import { monotonicNow, systemClock } from '../time/clock';
import { Membership } from './membership';
import type { FromRuntime, RuntimeInit, ToRuntime } from './protocol';
import { resolveTopology } from './topology';
import { UdpTransport } from './udp-transport';
import type { MembershipEvent, RttSample } from './types';

export class HeartbeatRuntime {
  private readonly core: Membership;
  private readonly transport: UdpTransport;
  private events: MembershipEvent[] = [];
  private rtt: RttSample[] = [];
  private flushPending = false;
  private reportTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private lastAlive = monotonicNow();
  private stopped = false;

  constructor(
    private readonly init: RuntimeInit,
    private readonly post: (m: FromRuntime) => void
  ) {
    this.transport = new UdpTransport(resolveTopology(init.config, init.self), (ic, e) =>
      this.post({ type: 'warning', message: `heartbeat socket of interconnect ${ic}: ${e.message}` })
    );
    this.core = new Membership({
      config: init.config,
      self: init.self,
      secret: init.secret,
      incarnation: init.incarnation,
      transport: this.transport,
      clock: systemClock,
      timing: init.timing,
      summary: init.summary,
      summaryId: init.summaryId,
    });
    for (const { server, report } of init.bmc) {
      this.core.reportBmc(server, report);
    }
    this.core.on((e) => this.queue(() => this.events.push(e)));
    // RTT samples ride along with the next report (at most one interval later) instead of
    // triggering one: every accepted heartbeat carries an echo, and a report per packet
    // (a full snapshot, cloned across threads) cost more CPU than the heartbeats themselves
    // in a 32-server cluster. At most one sample per path per interval waits here.
    this.core.onRtt((s) => this.rtt.push(s));
  }

  /** Binds the sockets and starts the core; posts `ready`, or `failed` with the bind error. */
  async start(): Promise<void> {
    let bound;
    try {
      bound = await this.transport.open();
    } catch (e) {
      this.post({ type: 'failed', message: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
      return;
    }
    this.core.start();
    this.lastAlive = monotonicNow();
    this.restartReports(this.core.timing.intervalMs);
    this.post({ type: 'ready', bound, snapshot: this.core.snapshot() });
  }

  /** The periodic report and the main-thread watchdog run once per heartbeat interval. */
  private restartReports(interval: number): void {
    for (const t of [this.reportTimer, this.watchdogTimer]) {
      if (t !== null) {
        clearInterval(t);
      }
    }
    this.reportTimer = setInterval(() => this.flush(), interval);
    const limit = this.init.mainStallLimitMs;
    if (limit !== null) {
      this.watchdogTimer = setInterval(() => this.watchdog(limit), Math.min(interval, limit / 4));
    }
  }

  handle(m: ToRuntime): void {
    if (this.stopped) {
      return;
    }
    try {
      switch (m.type) {
        case 'summary':
          this.core.updateSummary(m.summary, m.id);
          break;
        case 'bmc':
          this.core.reportBmc(m.server, m.report);
          break;
        case 'alive':
          this.lastAlive = monotonicNow();
          this.core.setMuted(false, "the agent's main thread is responsive again");
          break;
        case 'timing':
          this.core.retime(m.timing);
          this.restartReports(m.timing.intervalMs);
          break;
        case 'layout':
          this.core.relayout(m.groups);
          break;
        case 'stop':
          void this.stop();
          break;
      }
    } catch (e) {
      // The service validates before posting; this only guards against a bug killing heartbeats.
      this.post({ type: 'warning', message: `ignored ${m.type}: ${(e as Error).message}` });
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.core.stop();
    for (const t of [this.reportTimer, this.watchdogTimer]) {
      if (t !== null) {
        clearInterval(t);
      }
    }
    await this.transport.close();
    this.flush();
    this.post({ type: 'stopped', snapshot: this.core.snapshot() });
  }

  private watchdog(limitMs: number): void {
    const silentMs = monotonicNow() - this.lastAlive;
    if (silentMs > limitMs) {
      this.core.setMuted(
        true,
        `no word from the agent's main thread for ${(silentMs / 1000).toFixed(1)} s (limit ${limitMs / 1000} s)`
      );
    }
  }

  private queue(add: () => void): void {
    add();
    if (!this.flushPending) {
      this.flushPending = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushPending = false;
    const events = this.events;
    const rtt = this.rtt;
    this.events = [];
    this.rtt = [];
    this.post({ type: 'update', events, rtt, snapshot: this.core.snapshot() });
  }
}
