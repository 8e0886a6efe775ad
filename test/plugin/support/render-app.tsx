import React from 'react';
import { configure, render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { config } from '@grafana/runtime';
import type { AppRootProps } from '@grafana/data';
import App from '../../../src/components/App';
import { createApi, type Api } from '../../../src/api/context';
import type { AppSettings } from '../../../src/types';
import { fakeFetch, type Handler } from './fake-fetch';

// The app's data arrives from its own store (fetch, timers), outside React's act(): tests wait
// for what it shows (findBy, waitFor) instead.
// (@testing-library/react sets it true in its own beforeAll, registered before this one.)
beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
});

// Waits (findBy, waitFor) long enough for a machine shared by several test runs.
configure({ asyncUtilTimeout: 5000 });

export type Role = 'Viewer' | 'Editor' | 'Admin';

/** The signed-in user's org role, as Grafana's boot data gives it to plugins. */
export function signIn(role: Role): void {
  const c = config as unknown as { bootData: { user: Record<string, unknown> } };
  c.bootData = { ...(c.bootData ?? {}), user: { ...(c.bootData?.user ?? {}), orgRole: role, isGrafanaAdmin: false } };
}

/** The app at `path` (under /a/lifeline-cluster-app/), its agents answering with `handlers`. */
export function renderApp(path: string, handlers: Handler[], role: Role = 'Viewer', api?: Api, agentUrls?: string[]) {
  signIn(role);
  const f = fakeFetch(handlers);
  const urls = agentUrls ?? handlers.map((_, i) => `http://127.0.0.${i + 1}:29011`);
  const theApi =
    api ?? createApi(urls, { client: { fetch: f.fetch, readTimeoutMs: 5000 }, live: { fallbackPollMs: 60_000 } });
  const props = { meta: { jsonData: { agentUrls: urls } } } as unknown as AppRootProps<AppSettings>;
  const view = render(
    <MemoryRouter
      initialEntries={[`/a/lifeline-cluster-app/${path}`]}
      future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
    >
      <Routes>
        <Route path="/a/lifeline-cluster-app/*" element={<App {...props} api={theApi} />} />
      </Routes>
    </MemoryRouter>
  );
  return { ...view, api: theApi, calls: f.calls };
}
