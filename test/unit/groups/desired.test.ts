// The desired state: what should run, as the operators last said, newest revision wins.
import { CONFIGURED, DesiredBook, wantedGroups } from '../../../backend/groups/desired';
import { nextEpoch } from '../../../backend/groups/claims';

const config = {
  groups: [
    { name: 'web', autoStart: true },
    { name: 'db', autoStart: true },
    { name: 'batch', autoStart: false },
  ],
} as unknown as Parameters<typeof wantedGroups>[0];

describe('desired state', () => {
  test('nothing decided: the automatic groups should run', () => {
    expect(wantedGroups(config, CONFIGURED)).toEqual(['web', 'db']);
  });

  test("an operator's stop and start change what should run, each under a new revision", () => {
    const book = new DesiredBook();
    expect(book.decide('web', 'stopped', 2)).toBe(true);
    expect(book.current()).toEqual({ revision: nextEpoch(0, 2), stopped: ['web'], started: [] });
    expect(book.decide('web', 'stopped', 2)).toBe(false); // said already: no new revision
    expect(book.decide('batch', 'started', 2)).toBe(true);
    expect(wantedGroups(config, book.current())).toEqual(['db', 'batch']);
    expect(book.wordOn('web')).toBe('stopped');
    expect(book.decide('web', 'none', 2)).toBe(true); // a failed stop takes the word back
    expect(wantedGroups(config, book.current())).toEqual(['web', 'db', 'batch']);
    expect(book.current().revision).toBe(nextEpoch(nextEpoch(nextEpoch(0, 2), 2), 2));
  });

  test('a newer revision heard from a peer is adopted, an older or equal one is not', () => {
    const book = new DesiredBook();
    book.decide('db', 'stopped', 1);
    const mine = book.current();
    expect(book.see({ revision: mine.revision, stopped: [], started: [] })).toBe(false);
    expect(book.see({ revision: mine.revision - 1, stopped: [], started: ['batch'] })).toBe(false);
    expect(book.see(null)).toBe(false);
    expect(book.see({ revision: mine.revision + 1, stopped: [], started: ['batch'] })).toBe(true);
    expect(wantedGroups(config, book.current())).toEqual(['web', 'db', 'batch']);
  });

  test('two deciders that heard the same revision issue different ones (the position is in it)', () => {
    const a = new DesiredBook();
    const b = new DesiredBook();
    a.decide('web', 'stopped', 0);
    b.decide('web', 'started', 1);
    expect(a.current().revision).not.toBe(b.current().revision);
    // Every server ends with the same word: the higher revision's.
    const winner = a.current().revision > b.current().revision ? a.current() : b.current();
    a.see(b.current());
    b.see(a.current());
    expect(a.current()).toEqual(winner);
    expect(b.current()).toEqual(winner);
  });
});
