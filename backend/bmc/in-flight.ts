// The "one ipmitool call per BMC" rule, as plain promise bookkeeping (no I/O, no timers).
//
// Why: a BMC that hangs makes every ipmitool call against it wait for its full timeout. If
// each status poll, fence poll and operator request started its own process, a hung BMC
// would collect a growing heap of processes (and real BMCs only have a handful of session
// slots, which parallel logins exhaust). So per BMC, at most one process runs, and:
//
//   request   while idle      while a status runs         while a control runs / is queued
//   status    start           JOIN it (same result)        BUSY (rejected, no process)
//   control   start           QUEUE (runs right after)     QUEUE if nothing is queued, else BUSY
//
// A status request joins because any fresh answer serves every asker. A control request
// (power off/on/cycle/reset, used for fencing) must not be lost to a routine status poll, so
// it waits for the running call, which the runner's hard timeout bounds; the queue holds at
// most one control, so the worst case per BMC is one running process and one waiting request.

export type CallKind = 'status' | 'control';

export type GateAdmission<T> =
  { admitted: true; joined: boolean; result: Promise<T> } | { admitted: false; reason: string };

interface Running<T> {
  kind: CallKind;
  promise: Promise<T>;
}

interface Queued<T> {
  start: () => Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
}

interface Slot<T> {
  running: Running<T>;
  queued?: Queued<T>;
}

export class OneInFlight<T> {
  private readonly slots = new Map<string, Slot<T>>();

  /** Admits, joins, queues or refuses a call for `key` (one key per BMC). */
  request(key: string, kind: CallKind, start: () => Promise<T>): GateAdmission<T> {
    const slot = this.slots.get(key);
    if (slot === undefined) {
      return { admitted: true, joined: false, result: this.launch(key, kind, start) };
    }
    if (kind === 'status') {
      if (slot.running.kind === 'status' && slot.queued === undefined) {
        return { admitted: true, joined: true, result: slot.running.promise };
      }
      return { admitted: false, reason: 'a power control call to this BMC is in progress' };
    }
    if (slot.queued !== undefined) {
      return { admitted: false, reason: 'another power control call to this BMC is already waiting' };
    }
    const result = new Promise<T>((resolve) => {
      slot.queued = { start, resolve };
    });
    return { admitted: true, joined: false, result };
  }

  /** What runs for `key` now, for diagnostics and tests. */
  state(key: string): { running?: CallKind; queued: boolean } {
    const slot = this.slots.get(key);
    return { running: slot?.running.kind, queued: slot?.queued !== undefined };
  }

  /** Number of BMCs with a call running. */
  get active(): number {
    return this.slots.size;
  }

  private launch(key: string, kind: CallKind, start: () => Promise<T>): Promise<T> {
    // Deferred to a microtask so that the slot is registered before start() runs: a request
    // made from inside start() (or synchronously after) already sees this call.
    const promise = Promise.resolve().then(start);
    const existing = this.slots.get(key);
    if (existing) {
      existing.running = { kind, promise };
    } else {
      this.slots.set(key, { running: { kind, promise } });
    }
    const done = () => this.advance(key, promise);
    promise.then(done, done);
    return promise;
  }

  private advance(key: string, finished: Promise<T>): void {
    const slot = this.slots.get(key);
    if (slot === undefined || slot.running.promise !== finished) {
      return;
    }
    const next = slot.queued;
    if (next === undefined) {
      this.slots.delete(key);
      return;
    }
    slot.queued = undefined;
    next.resolve(this.launch(key, 'control', next.start));
  }
}
