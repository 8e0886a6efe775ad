import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { testIds } from '../../../src/components/testIds';
import { maxAgent, maxAnswers } from '../support/max-cluster';
import { renderApp } from '../support/render-app';

// A maximum-size cluster renders in pages (functional checks only: timings are the
// Chromium bench's, never a test's).
describe('maximum-size cluster', () => {
  test('Overview: every server and interconnect, groups 50 to a page, and one change shows', async () => {
    const answers = maxAnswers();
    const { api } = renderApp('overview', [maxAgent(answers)]);
    // Generous waits: a loaded machine renders this slowly in jsdom (no timing is checked).
    await screen.findByTestId(testIds.overview.serverRow('server32'), undefined, { timeout: 20_000 });
    expect(screen.getByTestId(testIds.overview.pathCell('server32', 15))).toHaveAttribute('data-state', 'up');
    expect(document.querySelectorAll('[data-testid^="data-testid lifeline-group-row-"]')).toHaveLength(50);
    expect(screen.getByTestId(testIds.overview.monitorsSummary)).toHaveTextContent('512 monitors: 0 in error');

    const before = screen.getByTestId(testIds.group.row('group2'));
    answers.status = {
      ...answers.status,
      groups: answers.status.groups.map((g) =>
        g.name === 'group1' ? { ...g, state: 'stopping', operation: 'move' } : g
      ),
    };
    api.cache.refreshActive();
    await waitFor(() => expect(screen.getByTestId(testIds.group.state('group1'))).toHaveTextContent('stopping'), {
      timeout: 20_000,
    });
    expect(screen.getByTestId(testIds.group.operation('group1'))).toHaveTextContent('move');
    expect(screen.getByTestId(testIds.group.row('group2'))).toBe(before);

    // (getByRole is slow on a table this size in jsdom: plain selectors.)
    fireEvent.click(screen.getByLabelText('next page'));
    fireEvent.click(screen.getByLabelText('next page'));
    expect(
      await screen.findByTestId(testIds.group.row('group128'), undefined, { timeout: 20_000 })
    ).toBeInTheDocument();
  });

  test('Monitors: 512 x 32 states, 50 monitors to a page', async () => {
    const answers = maxAnswers();
    answers.monitors.monitors[512 * 32 - 1] = {
      ...answers.monitors.monitors[512 * 32 - 1],
      status: 'error',
      reason: 'x',
    };
    renderApp('monitors', [maxAgent(answers)]);
    const matrix = await screen.findByTestId(testIds.monitors.matrix, undefined, { timeout: 20_000 });
    expect(within(matrix).getAllByRole('row')).toHaveLength(51);
    expect(matrix.querySelectorAll('td[data-status]')).toHaveLength(50 * 32);
    fireEvent.click(screen.getByTestId(testIds.monitors.onlyProblems));
    await waitFor(
      () =>
        expect(screen.getByTestId(testIds.monitors.cell('monitor512', 'server32'))).toHaveAttribute(
          'data-status',
          'error'
        ),
      { timeout: 20_000 }
    );
    expect(within(screen.getByTestId(testIds.monitors.matrix)).getAllByRole('row')).toHaveLength(2);
  });
});
