import { FailureLimiter } from '../../../backend/api/failure-limiter';

describe('failed-authentication limiter', () => {
  let now = 0;
  const limiter = () =>
    new FailureLimiter({ maxFailures: 3, windowMs: 60_000, maxClients: 100, clock: { now: () => now } });

  beforeEach(() => {
    now = 1_000_000;
  });

  test('limits a client after maxFailures in the window, until the window ends', () => {
    const l = limiter();
    expect([1, 2, 3].map(() => l.fail('a').limited)).toEqual([false, false, false]);
    expect(l.fail('a')).toEqual({ limited: true, retryAfterS: 60 });
    expect(l.fail('b').limited).toBe(false);
    now += 59_000;
    expect(l.fail('a')).toEqual({ limited: true, retryAfterS: 1 });
    now += 1_000;
    expect(l.fail('a').limited).toBe(false);
  });

  test('a flood of new addresses does not free a limited one, and memory stays bounded', () => {
    const l = limiter();
    for (let i = 0; i < 4; i++) {
      l.fail('stuck');
    }
    for (let i = 0; i < 10_000; i++) {
      l.fail(`flood-${i}`);
    }
    expect(l.fail('stuck').limited).toBe(true);
    expect(l.size).toEqual({ counting: 100, limited: 1 });
  });

  test('the least recently failed client is forgotten first', () => {
    const l = limiter();
    l.fail('old');
    l.fail('old');
    for (let i = 0; i < 99; i++) {
      l.fail(`new-${i}`);
      l.fail('old'); // keeps failing: stays remembered (and is limited on its 4th failure)
    }
    expect(l.fail('old').limited).toBe(true);
  });
});
