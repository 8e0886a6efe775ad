/**
 * The draft model the editor's forms and YAML view share: a form edit shows in the YAML, a
 * YAML edit shows in the forms' object, problems carry the paths the fields and lines are
 * found by, and rebase replays the user's edits on a newer revision unless both touched a path.
 */
import { act, renderHook, waitFor } from '@testing-library/react';
import { canonicalObject, validateConfig } from '../../../backend/config/model';
import {
  changedPaths,
  getIn,
  rebase,
  renameServer,
  retype,
  setIn,
  toYaml,
  type DraftData,
} from '../../../src/config/draft';
import { useDraft } from '../../../src/config/useDraft';
import { lineOf, yamlLines } from '../../../src/config/yamlLines';
import recorded from '../fixtures/config.json';

const { maxConfig } = require('../../support/max-config.js');

function running(): DraftData {
  const v = validateConfig(recorded.config);
  if (!v.ok) {
    throw new Error('the recorded configuration is valid');
  }
  return canonicalObject(v.config) as DraftData;
}

const KEYWORD2 = ['monitors', 1, 'perServer', 'server2', 'keyword'];

describe('draft model', () => {
  test('setIn copies along the path, creates containers and removes keys given undefined', () => {
    const base = running();
    const next = setIn(base, KEYWORD2, '127.77.0.2:10163');
    expect(getIn(next, KEYWORD2)).toBe('127.77.0.2:10163');
    expect(getIn(base, KEYWORD2)).toBe('127.77.0.2:10162');
    expect(next.servers).toBe(base.servers);
    expect(getIn(setIn(base, ['watchdog', 'timeoutMs'], 5000), ['watchdog'])).toEqual({ timeoutMs: 5000 });
    expect(
      getIn(setIn(base, ['monitors', 1, 'perServer', 'server1'], undefined), ['monitors', 1, 'perServer'])
    ).toEqual({
      server2: { keyword: '127.77.0.2:10162' },
    });
    expect((setIn(base, ['interconnects', 0], undefined).interconnects as unknown[]).length).toBe(2);
  });

  test('renaming a server renames its address column, its keyword and its references', () => {
    const withRefs = setIn(
      setIn(running(), ['groups', 0, 'startupServers'], ['server2', 'server1']),
      ['monitors', 1, 'servers'],
      ['server2']
    );
    const next = renameServer(withRefs, 1, 'node-b');
    expect(Object.keys(getIn(next, ['interconnects', 0, 'addresses']) as object)).toEqual(['server1', 'node-b']);
    expect(getIn(next, ['monitors', 1, 'perServer', 'node-b', 'keyword'])).toBe('127.77.0.2:10162');
    expect(getIn(next, ['groups', 0, 'startupServers'])).toEqual(['node-b', 'server1']);
    expect(getIn(next, ['monitors', 1, 'servers'])).toEqual(['node-b']);
    expect(validateConfig(next).ok).toBe(true);
    // Typing another server's name does not merge the two columns.
    expect(
      Object.keys(getIn(renameServer(running(), 1, 'server1'), ['interconnects', 0, 'addresses']) as object)
    ).toEqual(['server1', 'server2']);
  });

  test("a monitor or resource of another type keeps the shared fields and drops the old type's own", () => {
    const mrw1 = getIn(running(), ['monitors', 1]);
    expect(retype(mrw1, 'monitor', 'user-mode')).toEqual({
      name: 'mrw1',
      type: 'user-mode',
      intervalMs: 60000,
      timeoutMs: 120000,
      retries: 0,
      initialWaitMs: 0,
      timing: { mode: 'always' },
      recovery: {
        targetType: 'group',
        target: 'failover1',
        restartThreshold: 0,
        failoverThreshold: 1,
        finalAction: 'none',
      },
    });
    const app = getIn(running(), ['groups', 0, 'resources', 0]);
    expect(retype(app, 'resource', 'floating-ip')).toEqual({
      name: 'app',
      dependsOn: [],
      type: 'floating-ip',
      address: '',
      interface: '',
    });
  });

  test('a problem path finds its line in the YAML as printed and as people indent it', () => {
    const text = toYaml(setIn(running(), KEYWORD2, '127.77.0.2:70000'));
    const v = validateConfig(setIn(running(), KEYWORD2, '127.77.0.2:70000'));
    expect(v.ok).toBe(false);
    const problem = !v.ok ? v.problems.find((p) => p.path.join('.') === KEYWORD2.join('.')) : undefined;
    expect(problem?.message).toBe('port 70000 is out of range 1-65535');
    const line = lineOf(yamlLines(text), problem!.path);
    expect(text.split('\n')[line! - 1].trim()).toBe('keyword: 127.77.0.2:70000');

    const hand = [
      'cluster:',
      '  name: demo # comment',
      'servers:',
      '- name: a',
      '  api:',
      '    address: 10.0.0.1',
      '- name: "b"',
      '  api: {address: 10.0.0.2}',
      'interconnects:',
      '  - type: lan',
      '    addresses:',
      '      a: 10.1.0.1',
      '      b: 10.1.0.2',
    ].join('\n');
    const lines = yamlLines(hand);
    expect(lineOf(lines, ['servers', 0, 'api', 'address'])).toBe(6);
    expect(lineOf(lines, ['servers', 1, 'api', 'address'])).toBe(8);
    expect(lineOf(lines, ['interconnects', 0, 'addresses', 'b'])).toBe(13);
    expect(lineOf(lines, ['cluster', 'secret'])).toBe(1);
  });

  test('rebase replays edits on another path and names the paths both changed', () => {
    const base = running();
    const mine = setIn(base, KEYWORD2, '127.77.0.2:10163');
    const theirs = setIn(base, ['fencing', 'retries'], 3);
    const r = rebase(base, mine, theirs);
    expect(r).toMatchObject({ ok: true, mine: ['monitors[1].perServer.server2.keyword'] });
    if (r.ok) {
      expect(getIn(r.data, KEYWORD2)).toBe('127.77.0.2:10163');
      expect(getIn(r.data, ['fencing', 'retries'])).toBe(3);
      expect(changedPaths(theirs, r.data)).toEqual([KEYWORD2]);
    }
    // Someone else removed the whole per-server map the edit is in: a conflict, not a silent merge.
    const removed = setIn(base, ['monitors', 1, 'perServer'], undefined);
    expect(rebase(base, mine, removed)).toEqual({ ok: false, conflicts: ['monitors[1].perServer.server2.keyword'] });
    expect(rebase(base, mine, setIn(base, KEYWORD2, '127.77.0.22:10162'))).toEqual({
      ok: false,
      conflicts: ['monitors[1].perServer.server2.keyword'],
    });
  });

  test('a maximum configuration diffs by path and locates its last monitor', () => {
    const max = canonicalObject((validateConfig(maxConfig()) as { ok: true; config: never }).config) as DraftData;
    const edited = setIn(max, ['monitors', 511, 'intervalMs'], 30_000);
    expect(changedPaths(max, edited)).toEqual([['monitors', 511, 'intervalMs']]);
    const text = toYaml(edited);
    const line = lineOf(yamlLines(text), ['monitors', 511, 'intervalMs']);
    expect(text.split('\n')[line! - 1].trim()).toBe('intervalMs: 30000');
  });
});

describe('useDraft', () => {
  test('a form edit shows in the YAML; a YAML edit reaches the forms after the pause, with its problems', async () => {
    const { result } = renderHook(() => useDraft());
    act(() => result.current.reset(running()));
    await waitFor(() => expect(result.current.checked.valid).toBe(true));

    act(() => result.current.set(KEYWORD2, '127.77.0.2:10163'));
    expect(result.current.yaml()).toContain('keyword: 127.77.0.2:10163');
    expect(result.current.pending).toBe(true);
    await waitFor(() => expect(result.current.pending).toBe(false));
    expect(result.current.checked.valid).toBe(true);

    act(() => result.current.setText(result.current.yaml().replace('127.77.0.2:10163', '127.77.0.2:70000')));
    // Not parsed on the key stroke: the forms still show the previous value.
    expect(getIn(result.current.data, KEYWORD2)).toBe('127.77.0.2:10163');
    await waitFor(() => expect(result.current.pending).toBe(false));
    expect(getIn(result.current.data, KEYWORD2)).toBe('127.77.0.2:70000');
    expect(result.current.checked.problems.at(KEYWORD2)).toBe('port 70000 is out of range 1-65535');

    // A form edit right after typing builds on the typed text.
    act(() => result.current.setText(result.current.yaml().replace('retries: 2', 'retries: 4')));
    act(() => result.current.set(KEYWORD2, '127.77.0.2:10164'));
    expect(getIn(result.current.data, ['fencing', 'retries'])).toBe(4);
    expect(result.current.yaml()).toContain('keyword: 127.77.0.2:10164');
  });

  test('text that does not parse keeps the last good data and reports the syntax error with its line', async () => {
    const { result } = renderHook(() => useDraft());
    act(() => result.current.reset(running()));
    act(() => result.current.setText('cluster:\n  name: [demo\n'));
    await waitFor(() => expect(result.current.checked.syntax).not.toBeNull());
    expect(result.current.checked.syntax?.message).toMatch(/^syntax error at line \d+/);
    expect(getIn(result.current.data, ['cluster', 'name'])).toBe('demo');
  });
});
