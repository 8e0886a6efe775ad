import { fenceDelayMs, resolvePartition, type PartitionInput } from '../../../backend/protection/partition';

const base: PartitionInput = {
  servers: ['s1', 's2', 's3', 's4'],
  self: 's2',
  online: [],
  majority: true,
  pingReached: null,
  witnessReached: null,
  fencing: false,
};
const verdict = (over: Partial<PartitionInput>) => resolvePartition({ ...base, ...over });

test('majority wins, minority loses', () => {
  expect(verdict({ servers: ['s1', 's2', 's3'], online: ['s3'] })).toEqual({
    verdict: 'win',
    reason: 'this side has a majority (2 of 3 servers)',
  });
  expect(verdict({ online: [] })).toEqual({ verdict: 'lose', reason: 'this side is a minority (1 of 4 servers)' });
  // Names not in the (remaining) server list do not count.
  expect(verdict({ servers: ['s1', 's2', 's3'], online: ['s9'] }).verdict).toBe('lose');
});

test('a tie goes to the side with the master, or to the fence race when fencing is configured', () => {
  expect(verdict({ online: ['s1'] })).toEqual({
    verdict: 'win',
    reason: 'a tie (2 of 4 servers): this side has the master server s1',
  });
  expect(verdict({ online: ['s3'] })).toEqual({
    verdict: 'lose',
    reason: 'a tie (2 of 4 servers): the master server s1 is on the other side',
  });
  expect(verdict({ online: ['s3'], fencing: true })).toEqual({
    verdict: 'fence-race',
    reason: 'a tie (2 of 4 servers): settled by fencing',
  });
  // Two servers, one silent: always a tie.
  expect(verdict({ servers: ['s1', 's2'], self: 's1' }).verdict).toBe('win');
  expect(verdict({ servers: ['s1', 's2'], self: 's2' }).verdict).toBe('lose');
});

test('a side cut off from its ping targets or its witness loses, majority or not', () => {
  expect(verdict({ online: ['s1', 's3'], pingReached: false })).toEqual({
    verdict: 'lose',
    reason: 'none of the ping targets answers: this side is cut off',
  });
  expect(verdict({ online: ['s1', 's3'], witnessReached: false }).verdict).toBe('lose');
  expect(verdict({ online: ['s1', 's3'], pingReached: true, witnessReached: true }).verdict).toBe('win');
});

test('without the majority rule: the master decides, or fencing', () => {
  expect(verdict({ majority: false, online: ['s1'] }).reason).toBe(
    'no majority rule: this side has the master server s1'
  );
  expect(verdict({ majority: false, fencing: true }).verdict).toBe('fence-race');
});

test('fence delays: the master never waits under priority', () => {
  expect(fenceDelayMs('priority', 5000, 0)).toBe(0);
  expect(fenceDelayMs('priority', 5000, 2)).toBe(10_000);
  expect(fenceDelayMs('fixed', 5000, 2)).toBe(5000);
  expect(fenceDelayMs('none', 5000, 2)).toBe(0);
});
