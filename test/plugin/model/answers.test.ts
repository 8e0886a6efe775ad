import {
  clusterStatus,
  configHistoryAnswer,
  eventsAnswer,
  groupsAnswer,
  monitorsAnswer,
} from '../../../backend/api/answers';
import status from '../fixtures/status.json';
import groups from '../fixtures/groups.json';
import monitors from '../fixtures/monitors.json';
import events from '../fixtures/events-failover.json';
import history from '../fixtures/config-history.json';

// Answers recorded from the demo cluster's agents parse with the console's schemas.
test.each([
  ['status', clusterStatus, status],
  ['groups', groupsAnswer, groups],
  ['monitors', monitorsAnswer, monitors],
  ['events', eventsAnswer, events],
  ['config history', configHistoryAnswer, history],
] as const)('%s', (_name, schema, answer) => {
  expect(schema.safeParse(answer).success).toBe(true);
});

test('a newer agent with more fields and a new state still parses', () => {
  const newer = { ...status, extra: 1, groups: [{ ...status.groups[0], state: 'quarantined', newField: true }] };
  const parsed = clusterStatus.parse(newer);
  expect(parsed.groups[0].state).toBe('quarantined');
});

test('a missing field is refused', () => {
  const { servers: _s, ...broken } = status;
  expect(clusterStatus.safeParse(broken).success).toBe(false);
});
