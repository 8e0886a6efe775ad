/** The wire schemas accept what the agents send and answer, and refuse what they do not. */
import {
  configAnswer,
  eventsAnswer,
  leavingBody,
  prepareBody,
  refusalAnswer,
  requestAnswer,
  requestBody,
  stepAnswer,
  stepBody,
} from '../../../backend/peer/schemas';

const HASH = 'a'.repeat(64);

test('a proposal: revision positive, hash of 64 hex digits, nothing else', () => {
  const p = { base: 3, revision: 4, hash: HASH, config: { any: 'thing' }, coordinator: 'server1' };
  expect(prepareBody.parse(p)).toEqual(p);
  expect(prepareBody.safeParse({ ...p, hash: 'ABC' }).success).toBe(false);
  expect(prepareBody.safeParse({ ...p, revision: 0 }).success).toBe(false);
  expect(prepareBody.safeParse({ ...p, extra: 1 }).success).toBe(false);
});

test("prepare's refusal (409) is read as a refusal with its reason and conflict flag", () => {
  expect(refusalAnswer.parse({ ok: false, reason: 'another change is in progress', conflict: true })).toMatchObject({
    reason: 'another change is in progress',
    conflict: true,
  });
  expect(refusalAnswer.safeParse({ error: 42 }).success).toBe(false);
});

test('a step: its event and epoch are checked; the answer needs a full result', () => {
  expect(stepBody.parse({ event: 'START', requestedBy: 'api:ops', epoch: 7 })).toEqual({
    event: 'START',
    requestedBy: 'api:ops',
    epoch: 7,
  });
  expect(stepBody.safeParse({ event: 'BOOT', requestedBy: 'x' }).success).toBe(false);
  expect(stepBody.safeParse({ event: 'START', requestedBy: 'x', epoch: -1 }).success).toBe(false);
  const result = { ok: true, changed: true, state: 'online', detail: 'started' };
  expect(stepAnswer.parse({ result })).toEqual({ result });
  expect(stepAnswer.safeParse({ result: { ...result, state: 'flying' } }).success).toBe(false);
  expect(stepAnswer.safeParse({ error: 'busy' }).success).toBe(false);
});

test('a forwarded request and its outcome', () => {
  expect(requestBody.parse({ op: 'move', group: 'g1', server: 'server2', requestedBy: 'api:ops' })).toMatchObject({
    op: 'move',
  });
  expect(requestBody.safeParse({ op: 'explode', group: 'g1', requestedBy: 'x' }).success).toBe(false);
  const outcome = {
    group: 'g1',
    operation: 'move',
    ok: true,
    server: 'server2',
    detail: 'moved',
    steps: [{ server: 'server1', action: 'stop', ok: true, detail: 'stopped' }],
  };
  expect(requestAnswer.parse({ outcome })).toEqual({ outcome });
  expect(requestAnswer.safeParse({ outcome: { ...outcome, server: undefined } }).success).toBe(false);
});

test('leaving: an incarnation is digits only', () => {
  expect(leavingBody.safeParse({ server: 'server1', incarnation: '1234' }).success).toBe(true);
  expect(leavingBody.safeParse({ server: 'server1', incarnation: '12a' }).success).toBe(false);
});

test("a peer's events keep fields the schema does not name (a trap's expanded view)", () => {
  const e = {
    id: 1,
    time: 2,
    lastTime: 2,
    repeats: 0,
    server: 'server2',
    type: 'trap',
    class: 'fatal',
    source: null,
    monitor: null,
    summary: 'x',
    fields: { pet: { dataHex: '00' } },
    raw: null,
    extra: 'kept',
  };
  expect(eventsAnswer.parse({ events: [e] }).events[0]).toEqual(e);
  expect(eventsAnswer.safeParse({ events: [{ ...e, id: 'one' }] }).success).toBe(false);
  expect(eventsAnswer.safeParse({}).success).toBe(false);
});

test('a fetched configuration names its revision', () => {
  expect(configAnswer.safeParse({ revision: 3, hash: HASH, config: {} }).success).toBe(true);
  expect(configAnswer.safeParse({ hash: HASH, config: {} }).success).toBe(false);
});
