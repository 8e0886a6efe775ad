import React from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Alert, Tab, TabsBar } from '@grafana/ui';
import { useApi } from '../../api/context';
import { PLUGIN_BASE_URL, PLUGIN_ID, ROUTES } from '../../constants';
import { testIds } from '../testIds';
import { Freshness } from './Freshness';

const TABS: Array<{ route: ROUTES; label: string }> = [
  { route: ROUTES.Overview, label: 'Overview' },
  { route: ROUTES.Servers, label: 'Servers' },
  { route: ROUTES.Groups, label: 'Groups' },
  { route: ROUTES.Monitors, label: 'Monitors' },
  { route: ROUTES.Events, label: 'Events' },
  { route: ROUTES.Failovers, label: 'Failovers' },
  { route: ROUTES.Config, label: 'Configuration' },
];

/**
 * The frame of every console page, rendered once by App around the lazy routes: Grafana's
 * PluginPage, the tabs between pages, and the freshness bar (not on the configuration editor,
 * which shows no live state). Being in App's chunk, it is not repeated in every page's chunk.
 */
export function ConsolePage({ children }: { children: React.ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const { pool } = useApi();
  const active = location.pathname.slice(PLUGIN_BASE_URL.length + 1).split('/')[0] || ROUTES.Overview;
  const fresh = active !== ROUTES.Config;
  return (
    <PluginPage>
      <div>
        <TabsBar>
          {TABS.map((t) => (
            <Tab
              key={t.route}
              label={t.label}
              active={active === t.route}
              onChangeTab={() => navigate(`${PLUGIN_BASE_URL}/${t.route}`)}
              data-testid={testIds.nav.tab(t.route)}
            />
          ))}
        </TabsBar>
        {pool.agents.length === 0 && (
          <Alert severity="info" title="No agent configured">
            An administrator enters the agents&apos; URLs and tokens in the app&apos;s settings:{' '}
            <a href={`/plugins/${PLUGIN_ID}`}>Administration → Plugins → Lifeline Cluster</a>.
          </Alert>
        )}
        {fresh && pool.agents.length > 0 && <Freshness />}
        {children}
      </div>
    </PluginPage>
  );
}
