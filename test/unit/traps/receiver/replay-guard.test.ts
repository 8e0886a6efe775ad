import { ReplayGuard, TIME_WINDOW_SECONDS } from '../../../../backend/traps/receiver/replay-guard';

function msg(
  over: Partial<{ engineId: string; userName: string; msgId: number; engineBoots: number; engineTime: number }> = {}
) {
  return { engineId: '80001f88', userName: 'bmc', msgId: 1, engineBoots: 3, engineTime: 1000, ...over };
}

describe('ReplayGuard', () => {
  let now = 0;
  const clock = { now: () => now };
  beforeEach(() => (now = 0));

  test('a message accepted once is a replay the second time', () => {
    const g = new ReplayGuard({ clock });
    expect(g.check(msg())).toBe('ok');
    g.commit(msg());
    expect(g.check(msg())).toBe('replay');
    expect(g.check(msg({ msgId: 2 }))).toBe('ok');
  });

  test('state is per engine and user', () => {
    const g = new ReplayGuard({ clock });
    g.commit(msg());
    expect(g.check(msg({ userName: 'other' }))).toBe('ok');
    expect(g.check(msg({ engineId: '80001f89' }))).toBe('ok');
  });

  test('older boots, or a time more than the window behind the estimate, are outside the window', () => {
    const g = new ReplayGuard({ clock });
    g.commit(msg({ engineBoots: 3, engineTime: 1000 }));
    expect(g.check(msg({ msgId: 5, engineBoots: 2, engineTime: 99999 }))).toBe('outside-window');
    now = 60_000; // the sender's clock advanced 60 s as well
    expect(g.check(msg({ msgId: 6, engineTime: 1060 - TIME_WINDOW_SECONDS - 1 }))).toBe('outside-window');
    expect(g.check(msg({ msgId: 6, engineTime: 1060 - TIME_WINDOW_SECONDS + 1 }))).toBe('ok');
  });

  test('a reboot of the sender (higher boots) starts afresh', () => {
    const g = new ReplayGuard({ clock });
    g.commit(msg({ msgId: 7 }));
    g.commit(msg({ msgId: 7, engineBoots: 4, engineTime: 5 }));
    expect(g.check(msg({ msgId: 8, engineBoots: 4, engineTime: 6 }))).toBe('ok');
    expect(g.check(msg({ msgId: 7, engineBoots: 4, engineTime: 6 }))).toBe('replay');
  });

  test('memory is bounded: engines and message IDs are forgotten least recently used first', () => {
    const g = new ReplayGuard({ clock, maxEngines: 100, msgIdsPerEngine: 10 });
    for (let i = 0; i < 1000; i++) {
      g.commit(msg({ engineId: `e${i}` }));
    }
    expect(g.size).toBe(100);
    expect(g.evictions).toBe(900);
    for (let i = 0; i < 20; i++) {
      g.commit(msg({ engineId: 'e999', msgId: 100 + i }));
    }
    expect(g.check(msg({ engineId: 'e999', msgId: 100 }))).toBe('ok'); // forgotten (bounded), not a crash
    expect(g.check(msg({ engineId: 'e999', msgId: 119 }))).toBe('replay');
  });
});
