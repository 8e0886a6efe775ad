/**
 * The configuration editor page against a fake agent: forms and YAML over one draft, the
 * diff against the running revision, apply with If-Match and the agents' reports, a stale
 * base (409) and rebase, history with diffs and rollback; read-only for Viewers.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { testIds } from '../../../src/components/testIds';
import { setIn } from '../../../src/config/draft';
import recorded from '../fixtures/config.json';
import type { FakeRequest, Reply } from '../support/fake-fetch';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { renderApp } from '../support/render-app';

const { maxConfig } = require('../../support/max-config.js');

// Grafana's Combobox sizes its menu with a canvas; the scaffolded setup's canvas has no 2D context.
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => ({
    measureText: (t: string) => ({ width: t.length * 7 }),
  })) as unknown as typeof HTMLCanvasElement.prototype.getContext;
});

const KEYWORD2 = ['monitors', 1, 'perServer', 'server2', 'keyword'];
const ids = testIds.configEditor;

/** A fake agent whose GET /config answers `revisions[current]`, recording the writes. */
function configAgent(o: { put?: (req: FakeRequest) => Reply | undefined; config?: unknown } = {}) {
  const revisions = new Map<number, unknown>([[1, o.config ?? recorded.config]]);
  const state = { current: 1, writes: [] as FakeRequest[] };
  const applied = (revision: number) => ({
    revision,
    hash: 'c'.repeat(64),
    committed: ['server1', 'server2'],
    unreachable: [],
    agents: [
      {
        server: 'server1',
        revision,
        applied: [{ area: 'monitors', path: 'monitors[1]', summary: 'keyword changed' }],
        atNextStart: [],
        restartRequired: [],
      },
      {
        server: 'server2',
        revision,
        applied: [],
        atNextStart: [],
        restartRequired: [{ area: 'api', path: 'servers[1].api', summary: 'API address' }],
      },
    ],
  });
  const handler = fakeAgent(clusterState(), 'server1', (req) => {
    const path = req.path.split('?')[0];
    if (req.method === 'GET' && path === '/config') {
      const want = /revision=(\d+)/.exec(req.path);
      const n = want ? Number(want[1]) : state.current;
      return { body: { revision: n, hash: 'a'.repeat(64), config: revisions.get(n) }, headers: { ETag: `"${n}"` } };
    }
    if (req.method === 'GET' && path === '/config/history') {
      return {
        body: {
          revisions: [...revisions.keys()].map((n) => ({
            revision: n,
            hash: 'a'.repeat(64),
            appliedAt: '2026-12-04T12:00:00.000Z',
            source: `api:r${n}`,
          })),
        },
      };
    }
    if (req.method === 'PUT' || req.method === 'POST') {
      state.writes.push(req);
      const own = o.put?.(req);
      if (own) {
        return own;
      }
      if (req.method === 'PUT' && req.headers['If-Match'] !== `"${state.current}"`) {
        return { status: 409, body: { error: `the configuration changed since revision ${req.headers['If-Match']}` } };
      }
      const body = req.method === 'PUT' ? req.body : revisions.get((req.body as { revision: number }).revision);
      revisions.set(++state.current, body);
      return { body: applied(state.current) };
    }
    return undefined;
  });
  /** Someone else applies `config` (the API, another console). */
  const other = (config: unknown) => revisions.set(++state.current, config);
  return { handler, state, other };
}

async function openEditor(role: 'Viewer' | 'Admin', agent = configAgent()) {
  const view = renderApp('config', [agent.handler], role);
  await screen.findByTestId(ids.tab('servers'));
  await waitFor(() => expect(screen.getByTestId(ids.status)).toHaveTextContent('valid'));
  return { ...view, agent };
}

async function editKeyword(value: string) {
  fireEvent.click(screen.getByTestId(ids.tab('monitors')));
  fireEvent.click(screen.getByTestId(ids.select('monitors', 'mrw1')));
  fireEvent.change(await screen.findByTestId(ids.field(KEYWORD2)), { target: { value } });
}

async function apply() {
  await waitFor(() => expect(screen.getByTestId(ids.apply)).not.toBeDisabled());
  fireEvent.click(screen.getByTestId(ids.apply));
  fireEvent.click(await screen.findByTestId(testIds.confirm.button));
  return screen.findByTestId(ids.applyResult);
}

describe('configuration editor', () => {
  test('a per-server keyword edited in the form: its trap endpoint, the YAML, the diff and the apply', async () => {
    const { agent } = await openEditor('Admin');
    await editKeyword('127.77.0.9');
    expect(screen.getByTestId(ids.effectiveEndpoint('server2'))).toHaveTextContent('127.77.0.9:162');
    expect(screen.getByTestId(ids.effectiveEndpoint('server1'))).toHaveTextContent('127.77.0.1:10162');

    fireEvent.click(screen.getByTestId(ids.tab('yaml')));
    expect((screen.getByTestId(ids.text) as HTMLTextAreaElement).value).toContain('keyword: 127.77.0.9\n');

    fireEvent.click(screen.getByTestId(ids.tab('changes')));
    // The diff follows the draft once validation has caught up (a new element then).
    await waitFor(() => expect(screen.getByTestId(ids.diff)).toHaveAttribute('data-changes', '2'));
    const diff = screen.getByTestId(ids.diff);
    expect(diff).toHaveTextContent('- keyword: 127.77.0.2:10162');
    expect(diff).toHaveTextContent('+ keyword: 127.77.0.9');

    const result = await apply();
    expect(result).toHaveTextContent('Revision 2 applied');
    expect(within(screen.getByTestId(ids.agentReport('server1'))).getByText('monitors[1]')).toBeInTheDocument();
    expect(screen.getByTestId(ids.agentReport('server2'))).toHaveAttribute('data-restart', 'true');
    expect(screen.getByTestId(ids.agentReport('server2'))).toHaveTextContent(
      'restart required: servers[1].api API address'
    );
    expect(screen.getByTestId(ids.restartHint)).toHaveTextContent('run lifeline cluster restart');
    const put = agent.state.writes[0];
    expect(put).toMatchObject({ method: 'PUT', role: 'admin', headers: { 'If-Match': '"1"' } });
    expect((put.body as typeof recorded.config).monitors[1]).toMatchObject({
      perServer: { server1: { keyword: '127.77.0.1:10162' }, server2: { keyword: '127.77.0.9' } },
    });
    await waitFor(() => expect(screen.getByTestId(ids.status)).toHaveAttribute('data-base', '2'));
    expect(screen.getByTestId(ids.status)).toHaveAttribute('data-dirty', 'false');
  });

  test('an answer without per-agent reports (agents before contract A) says so', async () => {
    const agent = configAgent({
      put: () => ({ body: { revision: 2, hash: 'c'.repeat(64), committed: ['server1'], unreachable: ['server2'] } }),
    });
    await openEditor('Admin', agent);
    await editKeyword('127.77.0.9');
    const result = await apply();
    expect(result).toHaveTextContent('Revision 2 applied');
    expect(result).toHaveTextContent('Not reachable (they take it when back): server2.');
    expect(result).toHaveTextContent('did not report how they applied it');
  });

  test('a form problem shows at its field; a YAML problem at its line', async () => {
    await openEditor('Admin');
    await editKeyword('127.77.0.2:70000');
    await waitFor(() =>
      expect(screen.getByTestId(ids.tabProblems)).toHaveTextContent(
        'monitors[1].perServer.server2.keyword: port 70000 is out of range 1-65535'
      )
    );
    expect(screen.getByTestId(ids.field(KEYWORD2)).closest('td')).toHaveTextContent(
      'port 70000 is out of range 1-65535'
    );
    expect(screen.getByTestId(ids.apply)).toBeDisabled();

    fireEvent.click(screen.getByTestId(ids.tab('yaml')));
    const area = screen.getByTestId(ids.text) as HTMLTextAreaElement;
    fireEvent.change(area, {
      target: { value: area.value.replace('keyword: 127.77.0.1:10162', 'keyword: 127.77.0.1:80000') },
    });
    await waitFor(() => expect(screen.getByTestId(ids.problems).children).toHaveLength(2));
    const lines = area.value.split('\n');
    for (const li of Array.from(screen.getByTestId(ids.problems).children)) {
      const shown = lines[Number(li.getAttribute('data-line')) - 1].trim();
      expect(['keyword: 127.77.0.1:80000', 'keyword: 127.77.0.2:70000']).toContain(shown);
    }
    // Back in the form, the value typed in the YAML is there, with its problem.
    fireEvent.click(screen.getByTestId(ids.tab('monitors')));
    fireEvent.click(screen.getByTestId(ids.select('monitors', 'mrw1')));
    const field = await screen.findByTestId(ids.field(['monitors', 1, 'perServer', 'server1', 'keyword']));
    expect(field).toHaveValue('127.77.0.1:80000');
    expect(field.closest('td')).toHaveTextContent('port 80000 is out of range 1-65535');
  });

  test('interconnects reorder up and down; a renamed server keeps its address column', async () => {
    await openEditor('Admin');
    fireEvent.click(screen.getByTestId(ids.down(['interconnects'], 0)));
    expect(screen.getByTestId(ids.field(['interconnects', 0, 'port']))).toHaveValue('29003');
    fireEvent.change(screen.getByTestId(ids.field(['servers', 1, 'name'])), { target: { value: 'node2' } });
    expect(screen.getByTestId(ids.field(['interconnects', 1, 'addresses', 'node2']))).toHaveValue('127.77.0.2');
    fireEvent.click(screen.getByTestId(ids.tab('yaml')));
    expect((screen.getByTestId(ids.text) as HTMLTextAreaElement).value).toContain('node2: 127.77.0.2\n');
  });

  test('a stale base shows the conflict; rebase re-applies the edit on the new revision', async () => {
    const { agent } = await openEditor('Admin');
    await editKeyword('127.77.0.9');
    agent.other(setIn(recorded.config, ['fencing', 'retries'], 5));
    const result = await apply();
    expect(result).toHaveAttribute('data-kind', 'conflict');
    fireEvent.click(screen.getByTestId(ids.rebase));
    const notice = await screen.findByTestId(ids.rebaseNotice);
    expect(notice).toHaveAttribute('data-kind', 'rebased');
    expect(notice).toHaveTextContent('Rebased on revision 2');
    expect(notice).toHaveTextContent('monitors[1].perServer.server2.keyword');
    expect(screen.getByTestId(ids.status)).toHaveAttribute('data-base', '2');
    const again = await apply();
    expect(again).toHaveTextContent('Revision 3 applied');
    const last = agent.state.writes[agent.state.writes.length - 1];
    expect(last.headers['If-Match']).toBe('"2"');
    expect(last.body).toMatchObject({ fencing: { retries: 5 } });
    expect((last.body as typeof recorded.config).monitors[1].perServer.server2.keyword).toBe('127.77.0.9');
  });

  test('rebase names the paths the other change touched too', async () => {
    const { agent } = await openEditor('Admin');
    await editKeyword('127.77.0.9');
    agent.other(setIn(recorded.config, KEYWORD2, '127.77.0.8'));
    expect(await apply()).toHaveAttribute('data-kind', 'conflict');
    fireEvent.click(screen.getByTestId(ids.rebase));
    const notice = await screen.findByTestId(ids.rebaseNotice);
    expect(notice).toHaveAttribute('data-kind', 'conflicts');
    expect(notice).toHaveTextContent('Both changed: monitors[1].perServer.server2.keyword');
    // The draft stays on revision 1: applying it would otherwise overwrite the other change.
    expect(screen.getByTestId(ids.status)).toHaveAttribute('data-base', '1');
  });

  test('history: a revision diffed against the one before, and a rollback through the admin route', async () => {
    const agent = configAgent();
    agent.other(setIn(recorded.config, ['fencing', 'retries'], 5));
    await openEditor('Admin', agent);
    fireEvent.click(screen.getByTestId(ids.tab('history')));
    const row = await screen.findByTestId(ids.historyRow(2));
    fireEvent.click(within(row).getByText('Changes'));
    const diff = await screen.findByTestId(ids.historyDiff);
    expect(diff).toHaveTextContent('- retries: 2');
    expect(diff).toHaveTextContent('+ retries: 5');
    fireEvent.click(screen.getByTestId(ids.rollback(1)));
    fireEvent.click(await screen.findByTestId(testIds.confirm.button));
    expect(await screen.findByTestId(ids.applyResult)).toHaveTextContent(
      'Revision 3 applied (the configuration of revision 1)'
    );
    expect(agent.state.writes[0]).toMatchObject({
      method: 'POST',
      role: 'admin',
      path: '/config/rollback',
      body: { revision: 1 },
      // The revision the editor runs on: a rollback never undoes an apply it has not seen.
      headers: { 'If-Match': '"2"' },
    });
    await waitFor(() => expect(screen.getByTestId(ids.status)).toHaveAttribute('data-base', '3'));
  });

  test('a Viewer sees the configuration read-only: no apply, no rollback, no editing', async () => {
    await openEditor('Viewer');
    expect(screen.queryByTestId(ids.apply)).not.toBeInTheDocument();
    expect(screen.getByTestId(ids.field(['cluster', 'name']))).toBeDisabled();
    expect(screen.queryByTestId(ids.add(['servers']))).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId(ids.tab('yaml')));
    expect(screen.getByTestId(ids.text)).toHaveAttribute('readonly');
    fireEvent.click(screen.getByTestId(ids.tab('history')));
    await screen.findByTestId(ids.historyRow(1));
    expect(screen.queryByTestId(ids.rollback(1))).not.toBeInTheDocument();
  });

  test('a maximum configuration (32 servers, 128 groups, 512 monitors): the last monitor edited, diffed, applied', async () => {
    const agent = configAgent({ config: maxConfig() });
    await openEditor('Admin', agent);
    expect(screen.getByTestId(ids.field(['interconnects', 15, 'addresses', 'server32']))).toHaveValue('10.200.0.33');
    fireEvent.click(screen.getByTestId(ids.tab('monitors')));
    fireEvent.change(screen.getByLabelText('Filter monitors'), { target: { value: 'mrw511' } });
    fireEvent.click(screen.getByTestId(ids.select('monitors', 'mrw511')));
    const path = ['monitors', 511, 'perServer', 'server32', 'keyword'];
    fireEvent.change(await screen.findByTestId(ids.field(path)), { target: { value: '10.100.0.250' } });
    expect(screen.getByTestId(ids.effectiveEndpoint('server32'))).toHaveTextContent('10.100.0.250:162');
    fireEvent.click(screen.getByTestId(ids.tab('changes')));
    await waitFor(() => expect(screen.getByTestId(ids.diff)).toHaveAttribute('data-changes', '2'));
    expect(await apply()).toHaveTextContent('Revision 2 applied');
    const body = agent.state.writes[0].body as { monitors: Array<{ perServer: Record<string, { keyword: string }> }> };
    expect(body.monitors[511].perServer.server32.keyword).toBe('10.100.0.250');
    expect(body.monitors[509].perServer.server32.keyword).toBe('10.100.0.33:162');
  });
});
