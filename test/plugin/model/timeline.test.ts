import { eventsAnswer } from '../../../backend/api/answers';
import { buildFailovers } from '../../../src/model/timeline';
import { describeEvent } from '../../../src/model/describe';
import recorded from '../fixtures/events-failover.json';

// Recorded from the demo cluster: a fatal PET from server1's BMC, then failover1 to server2.
const events = eventsAnswer.parse(recorded).events;

test('a failover from a BMC trap is explained trap -> monitor -> decision -> steps', () => {
  const [f, ...rest] = buildFailovers(events);
  expect(rest).toHaveLength(0);
  expect(f).toMatchObject({ group: 'failover1', from: 'server1', to: 'server2', ok: true, by: 'recovery:mrw1' });
  const kinds = f.stages.map((s) => s.kind);
  expect(kinds.slice(0, 3)).toEqual(['trap', 'monitor', 'decision']);
  expect(f.stages[0].text).toBe('Drive Slot (Bay): Drive Fault');
  // The group's transitions on both servers (from both logs), then the operation's steps.
  const steps = f.stages.filter((s) => s.kind === 'step');
  expect(steps.map((s) => s.origin)).toEqual(['server1', 'server1', 'server2', 'server2']);
  expect(f.stages.filter((s) => s.kind === 'outcome').map((s) => s.text)).toEqual([
    'stop on server1: stopped',
    'start on server2: started',
  ]);
  expect(f.end).toBeGreaterThanOrEqual(f.start);
});

test('an auto-start is no failover', () => {
  expect(buildFailovers(events.filter((e) => e.source === 'auto-start'))).toEqual([]);
});

test('a BMC trap in words: what, severity, entity, and what it meant for the monitor', () => {
  const trap = events.find((e) => e.type === 'trap')!;
  const words = describeEvent(trap);
  expect(words.headline).toBe('BMC of server1: Drive Slot (Bay): Drive Fault (Critical, system board 1)');
  expect(words.details).toContain(
    'fatal for monitor mrw1: fatal event: drive fault (sensor type 0x0D, event type 0x6F, offset 0x01)'
  );
});

test('a group operation in words lists its steps', () => {
  const op = events.find((e) => e.type === 'group-operation' && e.source === 'recovery:mrw1')!;
  expect(describeEvent(op).details).toEqual([
    'stop on server1: ok (stopped)',
    'start on server2: ok (started)',
    'source recovery:mrw1',
  ]);
});

test("an operator's move: its decision and every transition since the group's previous operation", () => {
  const move = (t: number, id: number, server: string, summary: string) => ({
    id,
    time: t,
    server,
    type: 'group',
    class: 'informational',
    summary,
    fields: { group: 'failover1' },
    origin: server,
  });
  const log = [
    ...events,
    move(2_000_000_000_001, 101, 'server2', 'group failover1 on server2: online -> stopping (move requested)'),
    move(2_000_000_000_010, 102, 'server2', 'group failover1 on server2: stopping -> offline (stopped (move))'),
    move(2_000_000_000_020, 103, 'server1', 'group failover1 on server1: offline -> starting (move requested)'),
    {
      id: 104,
      time: 2_000_000_000_030,
      server: 'server1',
      type: 'group-operation',
      class: 'informational',
      source: 'api:alice',
      summary: 'move of group failover1 (by api:alice): done, now on server1; move done',
      fields: {
        group: 'failover1',
        operation: 'move',
        ok: true,
        server: 'server1',
        steps: [{ server: 'server2', action: 'stop', ok: true, detail: 'stopped' }],
      },
      origin: 'server1',
    },
  ];
  const [latestMove] = buildFailovers(log);
  expect(latestMove).toMatchObject({ by: 'api:alice', from: 'server2', to: 'server1', start: 2_000_000_000_001 });
  expect(latestMove.stages.map((s) => s.kind)).toEqual(['decision', 'step', 'step', 'step', 'outcome']);
});
