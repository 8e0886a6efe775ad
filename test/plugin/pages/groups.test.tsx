import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { testIds } from '../../../src/components/testIds';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { renderApp } from '../support/render-app';

const g = testIds.group;

describe('Groups', () => {
  test('a viewer sees the groups and no operator button', async () => {
    renderApp('groups', [fakeAgent(clusterState())], 'Viewer');
    expect(await screen.findByTestId(g.state('failover1'))).toHaveTextContent('online');
    expect(screen.queryByTestId(g.start('failover1'))).not.toBeInTheDocument();
    expect(screen.queryByTestId(g.stop('failover1'))).not.toBeInTheDocument();
    expect(screen.queryByTestId(g.move('failover1'))).not.toBeInTheDocument();
  });

  test('an editor moves a group: the confirmation states the impact, targets in startup order, one POST', async () => {
    const state = clusterState();
    state.status.groups[0].startupServers = ['server1', 'server2'];
    const { calls } = renderApp('groups', [fakeAgent(state)], 'Editor');
    fireEvent.click(await screen.findByTestId(g.move('failover1')));
    const modal = await screen.findByTestId(testIds.confirm.modal);
    expect(within(modal).getByTestId(testIds.confirm.impact)).toHaveTextContent(
      'Stops failover1 on server1, waits until that server announces the release, then starts it on server2.'
    );
    expect(
      within(within(modal).getByTestId(g.moveTarget))
        .getAllByRole('radio')
        .map((r) => r.closest('div')?.textContent?.trim())
    ).toEqual(['server2 (online)']);
    fireEvent.click(screen.getByTestId(testIds.confirm.button));
    const outcome = await screen.findByTestId(g.outcome);
    expect(outcome).toHaveAttribute('data-kind', 'done');
    expect(outcome).toHaveTextContent('start on server2: ok (started)');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      expect.objectContaining({
        role: 'operator',
        path: '/groups/failover1/move?wait=20',
        body: { server: 'server2' },
      }),
    ]);
    await waitFor(() => expect(screen.getByTestId(g.server('failover1'))).toHaveTextContent('server2'));
  });

  test('dismissing the confirmation sends nothing', async () => {
    const { calls } = renderApp('groups', [fakeAgent(clusterState())], 'Editor');
    fireEvent.click(await screen.findByTestId(g.stop('failover1')));
    expect(await screen.findByTestId(testIds.confirm.impact)).toHaveTextContent(
      'Stops failover1 on server1: its resources (app) stop in reverse order and its clients lose the service.'
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByTestId(testIds.confirm.modal)).not.toBeInTheDocument());
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  test('a lost answer: not sent again, the group read again through the other agent, the operator told', async () => {
    const state = clusterState();
    const lost = fakeAgent(state, 'server1', (req) =>
      req.method === 'POST' ? { status: 502, body: { message: 'Bad Gateway' } } : undefined
    );
    const { calls } = renderApp('groups', [lost, fakeAgent(state, 'server2')], 'Editor');
    fireEvent.click(await screen.findByTestId(g.stop('failover1')));
    fireEvent.click(await screen.findByTestId(testIds.confirm.button));
    const outcome = await screen.findByTestId(g.outcome);
    expect(outcome).toHaveAttribute('data-kind', 'unknown');
    expect(outcome).toHaveTextContent('it was not sent again');
    expect(outcome).toHaveTextContent('Read again: failover1 is online on server1.');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(calls.some((c) => c.agent === 1 && c.path === '/groups/failover1')).toBe(true);
  });

  test('a refusal shows the agent’s reason', async () => {
    const state = clusterState();
    const busy = fakeAgent(state, 'server1', (req) =>
      req.method === 'POST' ? { status: 409, body: { error: 'group failover1 is busy (move)' } } : undefined
    );
    renderApp('groups', [busy], 'Admin');
    fireEvent.click(await screen.findByTestId(g.stop('failover1')));
    fireEvent.click(await screen.findByTestId(testIds.confirm.button));
    expect(await screen.findByTestId(g.outcome)).toHaveTextContent('Refused: group failover1 is busy (move)');
  });

  test('the detail of a group: resources and its last operations with their steps', async () => {
    renderApp('groups/failover1', [fakeAgent(clusterState())], 'Viewer');
    const detail = await screen.findByTestId(g.detail('failover1'));
    expect(detail).toHaveTextContent('app');
    await waitFor(() => expect(detail).toHaveTextContent('move of group failover1 (by recovery:mrw1)'));
    expect(detail).toHaveTextContent('stop on server1: ok (stopped)');
  });
});

test("the detail shows the resources as the running server's own agent reports them", async () => {
  const state = clusterState();
  // failover1 runs on server2: only server2's agent knows its resources there.
  for (const g of [...state.status.groups, ...state.groups.groups]) {
    g.currentServer = 'server2';
    g.holders = ['server2'];
  }
  const onServer2 = JSON.parse(JSON.stringify(state));
  onServer2.groups.groups[0].resources = [{ name: 'app', type: 'exec', state: 'online', detail: 'started on server2' }];
  // Agent 2's URL is server2's address on an interconnect (as recorded): the console asks it.
  const urls = ['http://127.77.0.1:29011', 'http://127.77.0.2:29011'];
  const { calls } = renderApp(
    'groups/failover1',
    [fakeAgent(state, 'server1'), fakeAgent(onServer2, 'server2')],
    'Viewer',
    undefined,
    urls
  );
  const detail = await screen.findByTestId(g.detail('failover1'));
  await waitFor(() => expect(calls.some((c) => c.agent === 1 && c.path === '/groups/failover1')).toBe(true));
  await waitFor(() => expect(detail).toHaveTextContent('Resources on server2'));
  expect(detail).toHaveTextContent('started on server2');
});
