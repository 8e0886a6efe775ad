import React, { Suspense, lazy, useMemo } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { ApiProvider, createApi, type Api } from '../api/context';
import { ConsolePage } from './common/ConsolePage';
import { pageUrl, ROUTES } from '../constants';
import { agentUrlsOf, type AppSettings } from '../types';

// One chunk per page: the Overview loads without the Events, Monitors or editor code.
const OverviewPage = lazy(() => import('../pages/OverviewPage'));
const ServersPage = lazy(() => import('../pages/ServersPage'));
const ServerPage = lazy(() => import('../pages/ServerPage'));
const GroupsPage = lazy(() => import('../pages/GroupsPage'));
const MonitorsPage = lazy(() => import('../pages/MonitorsPage'));
const EventsPage = lazy(() => import('../pages/EventsPage'));
const FailoversPage = lazy(() => import('../pages/FailoversPage'));
const ConfigEditorPage = lazy(() => import('../pages/ConfigEditorPage'));

export interface AppProps extends AppRootProps<AppSettings> {
  /** Tests give their own (fake fetch, fake EventSource). */
  api?: Api;
}

function App(props: AppProps) {
  const urls = agentUrlsOf(props.meta?.jsonData);
  const key = urls.join('\n');
  const given = props.api;
  // One client per agent list: a change of settings reloads the page anyway.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const api = useMemo(() => given ?? createApi(urls), [given, key]);
  return (
    <ApiProvider api={api}>
      <ConsolePage>
        <Suspense fallback={<LoadingPlaceholder text="Loading page" />}>
          <Routes>
            <Route path={ROUTES.Overview} element={<OverviewPage />} />
            <Route path={ROUTES.Servers} element={<ServersPage />} />
            <Route path={`${ROUTES.Servers}/:name`} element={<ServerPage />} />
            <Route path={ROUTES.Groups} element={<GroupsPage />} />
            <Route path={`${ROUTES.Groups}/:name`} element={<GroupsPage />} />
            <Route path={ROUTES.Monitors} element={<MonitorsPage />} />
            <Route path={ROUTES.Events} element={<EventsPage />} />
            <Route path={ROUTES.Failovers} element={<FailoversPage />} />
            <Route path={`${ROUTES.Config}/*`} element={<ConfigEditorPage />} />
            <Route path="*" element={<Navigate to={pageUrl(ROUTES.Overview)} replace />} />
          </Routes>
        </Suspense>
      </ConsolePage>
    </ApiProvider>
  );
}

export default App;
