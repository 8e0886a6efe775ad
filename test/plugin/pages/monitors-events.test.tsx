import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { testIds } from '../../../src/components/testIds';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { renderApp } from '../support/render-app';

const m = testIds.monitors;

function withError() {
  const state = clusterState();
  state.monitors.monitors[2] = { ...state.monitors.monitors[2], status: 'error', reason: 'fatal event: drive fault' };
  return state;
}

describe('Monitors', () => {
  test('monitor x server matrix, in words; a viewer has no buttons', async () => {
    renderApp('monitors', [fakeAgent(withError())], 'Viewer');
    const cell = await screen.findByTestId(m.cell('mrw1', 'server1'));
    expect(cell).toHaveTextContent('ERR');
    expect(cell).toHaveAttribute('data-status', 'error');
    expect(screen.getByTestId(m.cell('mrw1', 'server2'))).toHaveTextContent('ok');
    expect(screen.getByTestId(m.row('mrw1'))).toHaveAttribute('data-status', 'error');
    expect(screen.getByText(/mrw1 on server1: error — fatal event: drive fault/)).toBeInTheDocument();
    expect(screen.queryByTestId(m.clear('mrw1'))).not.toBeInTheDocument();
  });

  test('only monitors not normal', async () => {
    renderApp('monitors', [fakeAgent(withError())], 'Viewer');
    await screen.findByTestId(m.row('userw'));
    fireEvent.click(screen.getByTestId(m.onlyProblems));
    await waitFor(() => expect(screen.queryByTestId(m.row('userw'))).not.toBeInTheDocument());
    expect(screen.getByTestId(m.row('mrw1'))).toBeInTheDocument();
  });

  test('an editor clears a monitor after confirming', async () => {
    const state = withError();
    const agent = fakeAgent(state, 'server1', (req) =>
      req.method === 'POST' && req.path === '/monitors/mrw1/clear'
        ? { body: { monitor: 'mrw1', cleared: 1 } }
        : undefined
    );
    const { calls } = renderApp('monitors', [agent], 'Editor');
    fireEvent.click(await screen.findByTestId(m.clear('mrw1')));
    expect(await screen.findByTestId(testIds.confirm.impact)).toHaveTextContent(
      'Clears the error or warning of mrw1 on every server'
    );
    fireEvent.click(screen.getByTestId(testIds.confirm.button));
    expect(await screen.findByTestId(m.outcome)).toHaveAttribute('data-kind', 'done');
    expect(calls.filter((c) => c.method === 'POST').map((c) => `${c.role} ${c.path}`)).toEqual([
      'operator /monitors/mrw1/clear',
    ]);
  });
});

describe('Events', () => {
  test('cluster scope with origin, BMC traps in words, details on demand', async () => {
    const { calls } = renderApp('events', [fakeAgent(clusterState())]);
    const trap = await screen.findByTestId(testIds.events.row('server1', 7));
    expect(trap).toHaveTextContent('BMC of server1: Drive Slot (Bay): Drive Fault (Critical, system board 1)');
    expect(trap).toHaveAttribute('data-class', 'fatal');
    expect(screen.getByTestId(testIds.events.row('server2', 5))).toHaveTextContent(
      'group failover1 on server2: starting -> online'
    );
    fireEvent.click(within(trap).getByRole('button'));
    expect(await screen.findByText(/fatal for monitor mrw1/)).toBeInTheDocument();
    expect(calls[calls.length - 1].path).toMatch(/^\/events\?scope=cluster&limit=50/);
  });

  test('filters go to the agent', async () => {
    const { calls } = renderApp('events?server=server2', [fakeAgent(clusterState())]);
    await screen.findByTestId(testIds.events.table);
    fireEvent.click(within(screen.getByTestId(testIds.events.filterClass)).getByLabelText('Fatal'));
    await waitFor(() =>
      expect(calls.some((c) => /server=server2/.test(c.path) && /class=fatal/.test(c.path))).toBe(true)
    );
  });

  test('live tail: new events appear on the newest page; without it the page holds still', async () => {
    const state = clusterState();
    const { api } = renderApp('events', [fakeAgent(state)]);
    await screen.findByTestId(testIds.events.row('server1', 7));
    const add = (id: number, summary: string) =>
      state.events.events.unshift({
        ...state.events.events[0],
        id,
        time: state.events.events[0].time + 1,
        summary,
      } as never);
    add(900, 'a new event');
    api.cache.refreshActive();
    expect(await screen.findByTestId(testIds.events.row('server1', 900))).toHaveTextContent('a new event');
    fireEvent.click(screen.getByTestId(testIds.events.liveTail));
    add(901, 'held back');
    api.cache.refreshActive();
    await new Promise((r) => setTimeout(r, 1200));
    expect(screen.queryByTestId(testIds.events.row('server1', 901))).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId(testIds.events.liveTail));
    expect(await screen.findByTestId(testIds.events.row('server1', 901))).toBeInTheDocument();
  });

  test('no event: the empty state', async () => {
    const state = clusterState();
    state.events.events = [];
    renderApp('events', [fakeAgent(state)]);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('No event matches.');
  });
});

describe('Failovers', () => {
  test('the failover explained from the events', async () => {
    renderApp('failovers', [fakeAgent(clusterState())]);
    const f = await screen.findByTestId(testIds.timeline.failover(0));
    expect(f).toHaveAttribute('data-to', 'server2');
    expect(f).toHaveTextContent('failover1: server1 → server2 done');
    expect(screen.getByTestId(testIds.timeline.step(0, 0))).toHaveAttribute('data-kind', 'trap');
    expect(screen.getByTestId(testIds.timeline.step(0, 0))).toHaveTextContent(
      'BMC trap (server1) Drive Slot (Bay): Drive Fault'
    );
    expect(screen.getByTestId(testIds.timeline.step(0, 1))).toHaveAttribute('data-kind', 'monitor');
    expect(screen.getByTestId(testIds.timeline.step(0, 2))).toHaveAttribute('data-kind', 'decision');
  });
});
