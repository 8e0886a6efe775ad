import { MAX_REPLAY, planReplay, streamId } from '../../../backend/api/event-replay';
import type { StoredEvent } from '../../../backend/events/event-log';

const event = (id: number): StoredEvent => ({
  id,
  time: id,
  lastTime: id,
  repeats: 1,
  server: 'server1',
  type: 'notify',
  class: 'informational',
  source: null,
  monitor: null,
  summary: `event ${id}`,
  fields: null,
  raw: null,
});
/** The log's newest events as EventLog.query gives them: newest first, at most `limit`. */
const log = (ids: number[], limit = MAX_REPLAY) => ids.slice().reverse().slice(0, limit).map(event);
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('Last-Event-ID replay', () => {
  test('no id: nothing to replay', () => {
    expect(planReplay(undefined, 'server1', log(ids(1, 10)))).toEqual({ replay: [] });
    expect(planReplay('  ', 'server1', log(ids(1, 10)))).toEqual({ replay: [] });
  });

  test('exactly the missed events, oldest first', () => {
    const plan = planReplay(streamId('server1', 7), 'server1', log(ids(1, 10)));
    expect(plan).toEqual({ replay: [event(8), event(9), event(10)] });
    expect(planReplay('server1:10', 'server1', log(ids(1, 10)))).toEqual({ replay: [] });
    expect(planReplay('server1:0', 'server1', log(ids(1, 3)))).toEqual({ replay: log(ids(1, 3)).reverse() });
  });

  test('as many as MAX_REPLAY, not one more', () => {
    const all = log(ids(1, 2000));
    const at = 2000 - MAX_REPLAY;
    expect((planReplay(`server1:${at}`, 'server1', all) as { replay: StoredEvent[] }).replay).toHaveLength(MAX_REPLAY);
    expect(planReplay(`server1:${at - 1}`, 'server1', all)).toEqual({
      reset: `${MAX_REPLAY + 1} events were missed, more than the ${MAX_REPLAY} a stream replays`,
    });
  });

  test.each([
    ['server2:5', /stream of server2/],
    ['17', /not an event id/],
    ['server1:x', /not an event id/],
    ['server1:99', /newer than this log's newest \(10\): the log was replaced/],
  ])('%s: reset', (id, why) => {
    const plan = planReplay(id, 'server1', log(ids(1, 10)));
    expect('reset' in plan && plan.reset).toMatch(why);
  });

  test('missed events no longer kept (retention, a lost batch): reset, never a replay with holes', () => {
    expect(planReplay('server1:2', 'server1', log([1, 2, 3, 5, 6]))).toEqual({
      reset: 'some of the 4 missed events are no longer kept',
    });
    expect(planReplay('server1:2', 'server1', log(ids(6, 10)))).toEqual({
      reset: 'some of the 8 missed events are no longer kept',
    });
  });
});
