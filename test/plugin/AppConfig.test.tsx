import React from 'react';
import { of } from 'rxjs';
import { configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { AppPluginMeta, PluginMeta } from '@grafana/data';
import AppConfig, { type AppConfigProps } from '../../src/components/AppConfig';
import { testIds } from '../../src/components/testIds';
import { PROBE_MONITOR } from '../../src/api/probe';
import type { AppSettings } from '../../src/types';
import { clusterState, fakeAgent } from './support/fake-agent';
import { fakeFetch } from './support/fake-fetch';

const posted: Array<{ url: string; data: Partial<PluginMeta<AppSettings>> }> = [];
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({
    fetch: (req: { url: string; data: Partial<PluginMeta<AppSettings>> }) => {
      posted.push(req);
      return of({ ok: true });
    },
  }),
}));

configure({ asyncUtilTimeout: 5000 });

const reload = jest.fn();
beforeAll(() => {
  Object.defineProperty(window, 'location', { configurable: true, value: { ...window.location, reload } });
});
beforeEach(() => {
  posted.length = 0;
});

function renderConfig(jsonData: AppSettings, secureJsonFields: Record<string, boolean> = {}) {
  const meta = {
    id: 'lifeline-cluster-app',
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields,
  } as unknown as AppPluginMeta<AppSettings>;
  return render(<AppConfig {...({ plugin: { meta } } as unknown as AppConfigProps)} />);
}

const a = testIds.appConfig;
const url = (i: number) => screen.getByTestId(a.agentUrl(i)) as HTMLInputElement;

test('an ordered agent list: add, reorder, remove; saved as jsonData.agentUrls with the tokens that are new', async () => {
  renderConfig({ agentUrls: ['http://10.0.0.1:29010'] }, { viewerToken: true });
  fireEvent.click(screen.getByTestId(a.addAgent));
  fireEvent.change(url(1), { target: { value: 'http://10.0.0.2:29010/' } });
  fireEvent.click(screen.getByTestId(a.addAgent));
  fireEvent.change(url(2), { target: { value: 'http://10.0.0.3:29010' } });
  fireEvent.click(screen.getByTestId(a.moveUp(2)));
  expect([0, 1, 2].map((i) => url(i).value)).toEqual([
    'http://10.0.0.1:29010',
    'http://10.0.0.3:29010',
    'http://10.0.0.2:29010/',
  ]);
  fireEvent.click(screen.getByTestId(a.removeAgent(0)));
  fireEvent.change(screen.getByTestId(a.operatorToken), { target: { value: 'llt_operator' } });
  fireEvent.click(screen.getByTestId(a.submit));
  await waitFor(() => expect(reload).toHaveBeenCalled());
  expect(posted[0].url).toBe('/api/plugins/lifeline-cluster-app/settings');
  expect(posted[0].data.jsonData).toEqual({ agentUrls: ['http://10.0.0.3:29010', 'http://10.0.0.2:29010'] });
  // The viewer token is set already (never read back); only the new one is sent.
  expect(posted[0].data.secureJsonData).toEqual({ operatorToken: 'llt_operator' });
});

test('an invalid or repeated URL cannot be saved', () => {
  renderConfig({ agentUrls: ['http://10.0.0.1:29010'] }, { viewerToken: true });
  fireEvent.click(screen.getByTestId(a.addAgent));
  fireEvent.change(url(1), { target: { value: 'http://10.0.0.1:29010' } });
  expect(screen.getByTestId(a.submit)).toBeDisabled();
  fireEvent.change(url(1), { target: { value: '10.0.0.2' } });
  expect(screen.getByTestId(a.submit)).toBeDisabled();
});

test('the single URL of older settings is shown as agent 1', () => {
  renderConfig({ agentUrl: 'http://10.0.0.9:29010' });
  expect(url(0).value).toBe('http://10.0.0.9:29010');
});

test('test connection: each token through its route, changing nothing', async () => {
  const state = clusterState();
  const agent = fakeAgent(state, 'server2', (req) => {
    if (req.method === 'POST' && req.role === 'operator') {
      return { status: 404, body: { error: `no monitor is named "${PROBE_MONITOR}"` } };
    }
    if (req.method === 'PUT' && req.role === 'admin') {
      return { status: 403, body: { error: 'this needs the admin role' } };
    }
    return undefined;
  });
  const f = fakeFetch([() => 'refuse', agent]);
  global.fetch = f.fetch;
  renderConfig({ agentUrls: ['http://10.0.0.1:29010', 'http://10.0.0.2:29010'] });
  fireEvent.click(screen.getByTestId(a.testConnection(1)));
  const result = await screen.findByTestId(a.testResult(1));
  expect(
    within(result)
      .getAllByRole('listitem')
      .map((li) => li.textContent)
  ).toEqual([
    '✔ viewer: cluster demo, answered by server2 (revision 1)',
    '✔ operator: operator token accepted',
    '✘ admin: this needs the admin role',
  ]);
  expect(result).toHaveAttribute('data-ok', 'false');
  expect(f.calls.map((c) => `${c.agent} ${c.role} ${c.method} ${c.path}`)).toEqual([
    '1 viewer GET /status',
    `1 operator POST /monitors/${PROBE_MONITOR}/clear`,
    '1 admin PUT /config',
  ]);
  fireEvent.click(screen.getByTestId(a.testConnection(0)));
  expect(await screen.findByTestId(a.testResult(0))).toHaveTextContent('viewer: agent 1: Failed to fetch');
});

test('an unsaved URL is not tested (the test goes through the saved routes)', () => {
  renderConfig({ agentUrls: ['http://10.0.0.1:29010'] });
  fireEvent.change(url(0), { target: { value: 'http://10.0.0.5:29010' } });
  expect(screen.getByTestId(a.testConnection(0))).toHaveAttribute('aria-disabled', 'true');
});
