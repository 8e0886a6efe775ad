import { EventLog, type NewEvent } from '../../../backend/events/event-log';

function ev(over: Partial<NewEvent> = {}): NewEvent {
  return { time: 1000, server: 'server1', type: 'trap', class: 'fatal', summary: 'Processor: IERR', ...over };
}

describe('EventLog', () => {
  let now = 1000;
  const make = (opts: Partial<ConstructorParameters<typeof EventLog>[1]> = {}) =>
    new EventLog(':memory:', {
      maxEvents: 1000,
      maxAgeMs: 86_400_000,
      burstWindowMs: 10_000,
      clock: { wallNow: () => now },
      ...opts,
    });
  beforeEach(() => (now = 1000));

  test('events are queryable by time, server and class, newest first', () => {
    const log = make();
    log.append(ev({ time: 1, server: 'server1', class: 'fatal' }));
    log.append(ev({ time: 2, server: 'server2', class: 'informational' }));
    log.append(ev({ time: 3, server: 'server1', class: 'recoverable' }));
    expect(log.query().map((e) => e.time)).toEqual([3, 2, 1]);
    expect(log.query({ server: 'server1' }).map((e) => e.time)).toEqual([3, 1]);
    expect(log.query({ class: 'informational' }).map((e) => e.server)).toEqual(['server2']);
    expect(log.query({ from: 2, to: 2 }).map((e) => e.time)).toEqual([2]);
    expect(log.query({ limit: 1, before: 3 }).map((e) => e.id)).toEqual([2]);
    log.close();
  });

  test('a resend (same dedupe key) is one event with a repeat count', () => {
    const log = make();
    const a = log.append(ev({ dedupeKey: 'g1' }));
    expect(log.append(ev({ dedupeKey: 'g1', time: 2000 }))).toEqual({ id: a.id, repeat: 'resend' });
    expect(log.query()).toMatchObject([{ id: a.id, repeats: 2, lastTime: 2000 }]);
    log.close();
  });

  test('identical events fold within the burst window, not after it', () => {
    const log = make();
    log.append(ev({ burstKey: 'b' }));
    now = 5000;
    expect(log.append(ev({ burstKey: 'b' })).repeat).toBe('burst');
    now = 12_000;
    expect(log.append(ev({ burstKey: 'b' })).repeat).toBe(false);
    expect(log.count()).toBe(2);
    log.close();
  });

  test('a storm of 100,000 identical traps is one row; the builder runs once', () => {
    const log = make();
    let built = 0;
    for (let i = 0; i < 100_000; i++) {
      log.appendWith({ time: i, burstKey: 'storm' }, () => {
        built++;
        return ev();
      });
    }
    expect(built).toBe(1);
    expect(log.query()).toMatchObject([{ repeats: 100_000 }]);
    log.close();
  });

  test('retention by count and by age', () => {
    const log = make({ maxEvents: 10, maxAgeMs: 60_000 });
    for (let i = 0; i < 25; i++) {
      log.append(ev({ time: 1000 + i }));
    }
    log.flush();
    expect(log.count()).toBe(10);
    now = 1000 + 60_000 + 20;
    log.append(ev({ time: now }));
    log.flush();
    expect(log.query().map((e) => e.time)).toEqual([now, 1024, 1023, 1022, 1021, 1020]);
    log.close();
  });

  test('a full queue drops and counts instead of growing', () => {
    const log = make({ maxQueue: 5, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 8; i++) {
      log.append(ev({ time: i }));
    }
    expect(log.stats).toMatchObject({ appended: 5, dropped: 3 });
    log.close();
  });
});
