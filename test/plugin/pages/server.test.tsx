import { fireEvent, screen, waitFor } from '@testing-library/react';
import { testIds } from '../../../src/components/testIds';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { renderApp } from '../support/render-app';

function hung() {
  const state = clusterState();
  const s2 = state.status.servers[1];
  s2.state = 'hung-or-partitioned';
  s2.reason = 'no heartbeat on any path; BMC reports power on';
  return state;
}

describe('Server detail', () => {
  test('paths, BMC and the reason of its state', async () => {
    renderApp('servers/server2', [fakeAgent(clusterState())]);
    expect(await screen.findByTestId(testIds.server.paths)).toHaveTextContent('127.77.0.2');
    expect(screen.getByTestId(testIds.overview.serverState('server2'))).toHaveTextContent('online');
    expect(screen.getByText(/Reachable; power/)).toBeInTheDocument();
  });

  test('an admin confirms a silent server down, typing its name; one POST through the admin route', async () => {
    const state = hung();
    const agent = fakeAgent(state, 'server1', (req) =>
      req.method === 'POST' && req.path === '/servers/server2/confirm-down'
        ? { body: { server: 'server2', confirmedDown: true } }
        : undefined
    );
    const { calls } = renderApp('servers/server2', [agent], 'Admin');
    fireEvent.click(await screen.findByTestId(testIds.server.confirmDown));
    expect(await screen.findByTestId(testIds.confirm.impact)).toHaveTextContent('they run twice');
    expect(screen.getByTestId(testIds.confirm.button)).toBeDisabled();
    fireEvent.change(screen.getByPlaceholderText(/server2/), { target: { value: 'server2' } });
    await waitFor(() => expect(screen.getByTestId(testIds.confirm.button)).not.toBeDisabled());
    fireEvent.click(screen.getByTestId(testIds.confirm.button));
    expect(await screen.findByTestId(testIds.server.confirmDownOutcome)).toHaveAttribute('data-kind', 'done');
    expect(calls.filter((c) => c.method === 'POST').map((c) => `${c.role} ${c.path}`)).toEqual([
      'admin /servers/server2/confirm-down',
    ]);
  });

  test('an editor does not see it, nor anyone for a server that is heard', async () => {
    renderApp('servers/server2', [fakeAgent(hung())], 'Editor');
    await screen.findByTestId(testIds.server.paths);
    expect(screen.queryByTestId(testIds.server.confirmDown)).not.toBeInTheDocument();
  });

  test('an unknown server', async () => {
    renderApp('servers/nope', [fakeAgent(clusterState())]);
    expect(await screen.findByText('No server is named "nope"')).toBeInTheDocument();
  });
});
