import { screen, waitFor, within } from '@testing-library/react';
import { testIds } from '../../../src/components/testIds';
import { clusterState, fakeAgent } from '../support/fake-agent';
import { renderApp } from '../support/render-app';

describe('Overview', () => {
  test('servers x interconnects, groups with state and server, monitors, seen from the answering agent', async () => {
    const state = clusterState();
    renderApp('overview', [fakeAgent(state, 'server1'), fakeAgent(state, 'server2')]);
    const row2 = await screen.findByTestId(testIds.overview.serverRow('server2'));
    expect(screen.getByTestId(testIds.overview.serverRow('server1'))).toBeInTheDocument();
    expect(within(row2).getByTestId(testIds.overview.serverState('server2'))).toHaveTextContent('online');
    expect(screen.getByTestId(testIds.overview.pathCell('server2', 0))).toHaveTextContent(/up\s+1\.6 ms/);
    expect(screen.getByTestId(testIds.overview.bmcCell('server2'))).toHaveTextContent('reachable');
    expect(screen.getByTestId(testIds.group.state('failover1'))).toHaveTextContent('online');
    expect(screen.getByTestId(testIds.group.server('failover1'))).toHaveTextContent('server1');
    expect(screen.getByTestId(testIds.overview.revision)).toHaveAttribute('data-revision', '1');
    expect(screen.getByTestId(testIds.overview.monitorsSummary)).toHaveTextContent('2 monitors: 0 in error');
    expect(screen.getByTestId(testIds.freshness.seenFrom)).toHaveTextContent('Seen from server1 at');
    expect(screen.getByTestId(testIds.freshness.agentInUse)).toHaveTextContent('through agent 1 (127.0.0.1:29011)');
    expect(screen.queryByTestId(testIds.freshness.stale)).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.overview.dashboards).querySelector('a')).toHaveAttribute(
      'href',
      '/d/lifeline-cluster-overview'
    );
  });

  test('the first agent down: the second answers, and the page says so', async () => {
    const state = clusterState();
    renderApp('overview', [() => 'refuse', fakeAgent(state, 'server2')]);
    await screen.findByTestId(testIds.group.row('failover1'));
    expect(screen.getByTestId(testIds.freshness.seenFrom)).toHaveTextContent('Seen from server2');
    expect(screen.getByTestId(testIds.freshness.agentInUse)).toHaveAttribute('data-agent', '1');
    expect(screen.getByTestId(testIds.freshness.agentInUse)).toHaveTextContent('not answering: agent 1');
  });

  test('no agent answers: an error, not a blank page', async () => {
    renderApp('overview', [() => 'refuse']);
    expect(await screen.findByTestId(testIds.states.error)).toHaveTextContent('no agent answered GET /status');
  });

  test('a conflict is shown', async () => {
    const state = clusterState();
    state.status.config.conflicts = [
      { revision: 2, hashes: { server1: 'a'.repeat(64), server2: 'b'.repeat(64) } },
    ] as never;
    renderApp('overview', [fakeAgent(state)]);
    expect(await screen.findByTestId(testIds.overview.conflicts)).toHaveTextContent(
      'Revision 2 is announced with different contents'
    );
  });

  test('changes waiting for a restart are named, with the command that applies them', async () => {
    const state = clusterState();
    state.status.config.restartRequired = true;
    state.status.config.restartChanges = [
      { area: 'servers', path: 'servers[1]', summary: 'server server2 changed (api)' },
    ] as never;
    renderApp('overview', [fakeAgent(state)]);
    expect(await screen.findByTestId(testIds.overview.restartChanges)).toHaveTextContent(
      'waiting for a restart of this agent (lifeline cluster restart): server server2 changed (api)'
    );
    // Applied live: no "runs revision N until restarted".
    expect(screen.getByTestId(testIds.overview.revision)).not.toHaveTextContent('until restarted');
  });

  test('stale in amber when the agents stop answering', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    try {
      const state = clusterState();
      let up = true;
      const { api } = renderApp('overview', [(req) => (up ? fakeAgent(state)(req) : 'refuse')]);
      await waitFor(() => expect(screen.getByTestId(testIds.group.row('failover1'))).toBeInTheDocument());
      up = false;
      await jest.advanceTimersByTimeAsync(6000);
      api.cache.refreshActive();
      await waitFor(() => expect(screen.getByTestId(testIds.freshness.stale)).toHaveTextContent(/stale: last answer/));
      // The last known state stays on screen.
      expect(screen.getByTestId(testIds.group.server('failover1'))).toHaveTextContent('server1');
    } finally {
      jest.useRealTimers();
    }
  });
});
