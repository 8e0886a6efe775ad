import { REPLAY_WINDOW, ReplayWindow } from '../../../backend/membership';

describe('replay window', () => {
  test('new, replayed and stale sequences', () => {
    const w = new ReplayWindow();
    expect(w.admit(5)).toBe('new');
    expect(w.admit(5)).toBe('replayed');
    expect(w.admit(3)).toBe('new'); // late but unseen: reordering is not an attack
    expect(w.admit(3)).toBe('replayed');
    expect(w.admit(6)).toBe('new');
    expect(w.admit(6 + REPLAY_WINDOW - 1)).toBe('new');
    expect(w.admit(6)).toBe('replayed'); // exactly at the window's far edge, still remembered
    expect(w.admit(5)).toBe('stale'); // one beyond it
  });

  test('check() judges without recording', () => {
    const w = new ReplayWindow();
    expect(w.check(1)).toBe('new');
    expect(w.check(1)).toBe('new');
    w.admit(1);
    expect(w.check(1)).toBe('replayed');
  });

  test('a jump larger than the window forgets everything before it', () => {
    const w = new ReplayWindow();
    for (let s = 1; s <= 10; s++) {
      w.admit(s);
    }
    expect(w.admit(1000)).toBe('new');
    expect(w.admit(999)).toBe('new');
    expect(w.admit(10)).toBe('stale');
  });

  test('reset starts a new incarnation', () => {
    const w = new ReplayWindow();
    w.admit(100);
    w.reset();
    expect(w.admit(1)).toBe('new');
  });

  test('matches a reference model on a long random sequence', () => {
    const w = new ReplayWindow();
    const seen = new Set<number>();
    let highest = 0;
    let x = 7;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const seq = Math.max(1, highest + (x % 90) - 70);
      const expected =
        seq > highest ? 'new' : highest - seq >= REPLAY_WINDOW ? 'stale' : seen.has(seq) ? 'replayed' : 'new';
      expect(w.admit(seq)).toBe(expected);
      if (expected === 'new') {
        seen.add(seq);
        highest = Math.max(highest, seq);
      }
    }
  });
});
