import {
  mutedEvent,
  pathEvent,
  stateClass,
  transitionEvent,
  wallEvidence,
} from '../../../backend/agent/membership-events';
import { evidence } from './fixtures';

// Monotonic 0 = wall 1_700_000_000_000.
const toWall = (mono: number) => 1_700_000_000_000 + mono;

describe('membership events for the event log', () => {
  test('down states are fatal, suspect recoverable, online informational', () => {
    expect(stateClass('offline-confirmed')).toBe('fatal');
    expect(stateClass('hung-or-partitioned')).toBe('fatal');
    expect(stateClass('unknown')).toBe('fatal');
    expect(stateClass('suspect')).toBe('recoverable');
    expect(stateClass('online')).toBe('informational');
  });

  test('a transition names the peer, carries the reason and the evidence in wall-clock time', () => {
    const e = transitionEvent(
      {
        type: 'transition',
        server: 'server2',
        from: 'suspect',
        to: 'offline-confirmed',
        at: 2000,
        evidence: evidence(),
      },
      'server1',
      toWall
    );
    expect(e).toMatchObject({
      time: 1_700_000_002_000,
      server: 'server2',
      type: 'membership',
      class: 'fatal',
      source: 'membership:server1',
      summary:
        'server server2: suspect -> offline-confirmed (no heartbeat on any path for 1.000 s or more; BMC reports power off)',
    });
    expect(e.fields).toEqual({
      from: 'suspect',
      to: 'offline-confirmed',
      evidence: wallEvidence(evidence(), toWall),
    });
    expect((e.fields!.evidence as { paths: Array<{ lastHeardAt: number }> }).paths[0].lastHeardAt).toBe(
      1_700_000_001_000
    );
    expect((e.fields!.evidence as { bmc: { report: { at: number } } }).bmc.report.at).toBe(1_700_000_001_500);
  });

  test('paths: the first pending -> up is not an event; losing and regaining one are', () => {
    const p = (from: 'pending' | 'up' | 'down', to: 'up' | 'down') =>
      pathEvent(
        { type: 'path', server: 'server2', interconnect: 1, from, to, at: 10, lastHeardAt: 5 },
        'server1',
        toWall
      );
    expect(p('pending', 'up')).toBeNull();
    expect(p('up', 'down')).toMatchObject({
      class: 'recoverable',
      type: 'heartbeat',
      summary: expect.stringMatching(/lost/),
    });
    expect(p('down', 'up')).toMatchObject({ class: 'informational', summary: expect.stringMatching(/restored/) });
    expect(p('pending', 'down')?.class).toBe('recoverable');
  });

  test('muted heartbeats are fatal for this server', () => {
    expect(
      mutedEvent({ type: 'muted', muted: true, reason: 'main thread silent', at: 0 }, 'server1', toWall)
    ).toMatchObject({
      server: 'server1',
      class: 'fatal',
    });
  });
});
