/**
 * The host's chrome around the plugin, like Grafana's: an optional banner (the host's, never
 * the plugin's), the app's menu (plugin.json pages with addToNav that the user's role may
 * see), the app root at /a/<id>/* (AppRootProps, PluginContextProvider) and the config pages
 * at /plugins/<id>, and the alerts that plugins raise through appEvents.
 */
import React, { useEffect, useLayoutEffect, useState } from 'react';
import { css } from '@emotion/css';
import {
  AppEvents,
  type AppPlugin,
  type BusEvent,
  type BusEventType,
  type GrafanaTheme2,
  type NavModel,
  PluginContextProvider,
  urlUtil,
} from '@grafana/data';
import { getAppEvents, locationService } from '@grafana/runtime';
import { Alert, useStyles2 } from '@grafana/ui';
import { Route, Router, Routes, useLocation } from 'react-router';

const RANK: Record<string, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

interface Include {
  type: string;
  name: string;
  path?: string;
  role?: string;
  addToNav?: boolean;
  defaultNav?: boolean;
}

/** react-router's Router, driven by @grafana/runtime's locationService (history v4), as in Grafana. */
export function HostRouter({ children }: { children: React.ReactNode }) {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useLayoutEffect(() => history.listen((l: typeof location) => setLocation(l)), [history]);
  return (
    <Router navigator={history as never} location={location}>
      {children}
    </Router>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    minHeight: '100vh',
    display: 'flex',
    flexDirection: 'column',
    background: theme.colors.background.canvas,
  }),
  banner: css({
    padding: theme.spacing(1, 2),
    background: theme.colors.warning.main,
    color: theme.colors.warning.contrastText,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  body: css({ display: 'flex', flex: 1, minHeight: 0 }),
  nav: css({
    width: 220,
    flexShrink: 0,
    borderRight: `1px solid ${theme.colors.border.weak}`,
    background: theme.colors.background.primary,
    padding: theme.spacing(2, 1),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  navTitle: css({ padding: theme.spacing(0, 1, 1), fontWeight: theme.typography.fontWeightMedium }),
  link: css({
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.primary,
  }),
  active: css({ background: theme.colors.action.selected }),
  main: css({ flex: 1, minWidth: 0, overflow: 'auto' }),
  alerts: css({ position: 'fixed', right: 16, top: 16, zIndex: 1000, width: 360 }),
});

function Nav({ meta, role }: { meta: AppPlugin['meta']; role: string }) {
  const styles = useStyles2(getStyles);
  const { pathname } = useLocation();
  const pages = ((meta.includes ?? []) as Include[])
    .filter((i) => i.type === 'page' && i.addToNav && i.path && RANK[role] >= RANK[i.role ?? 'Viewer'])
    .map((i) => ({ ...i, path: i.path!.replace('%PLUGIN_ID%', meta.id) }));
  return (
    <nav className={styles.nav} aria-label="App menu" data-testid="host-nav">
      <div className={styles.navTitle}>{meta.name}</div>
      {pages.map((p) => (
        <a
          key={p.path}
          href={p.path}
          className={`${styles.link} ${pathname.startsWith(p.path) ? styles.active : ''}`}
          onClick={(e) => {
            e.preventDefault();
            locationService.push(p.path);
          }}
        >
          {p.name}
        </a>
      ))}
    </nav>
  );
}

class Boundary extends React.Component<{ children: React.ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    return this.state.error ? (
      <Alert title="The plugin crashed" severity="error" data-testid="host-plugin-crash">
        {this.state.error.message}
      </Alert>
    ) : (
      this.props.children
    );
  }
}

function AppRoot({ plugin }: { plugin: AppPlugin }) {
  const location = useLocation();
  const [, setNav] = useState<NavModel | undefined>();
  const Root = plugin.root;
  if (!Root) {
    return <Alert title="This app has no root page" severity="error" />;
  }
  return (
    <PluginContextProvider meta={plugin.meta}>
      <Root
        meta={plugin.meta}
        basename={`/a/${plugin.meta.id}`}
        onNavChanged={setNav}
        query={urlUtil.getUrlSearchParams() as never}
        path={location.pathname}
      />
    </PluginContextProvider>
  );
}

function ConfigRoot({ plugin }: { plugin: AppPlugin }) {
  const pages = plugin.configPages ?? [];
  const wanted = locationService.getSearchObject().page;
  const page = pages.find((p) => p.id === wanted) ?? pages[0];
  if (!page) {
    return <Alert title="This app has no configuration page" severity="info" />;
  }
  const Body = page.body;
  return (
    <div style={{ padding: 24 }} data-testid="host-config-page">
      <h1>{page.title}</h1>
      <PluginContextProvider meta={plugin.meta}>
        <Body plugin={plugin} query={locationService.getSearchObject() as never} />
      </PluginContextProvider>
    </div>
  );
}

function Alerts() {
  const styles = useStyles2(getStyles);
  const [alerts, setAlerts] = useState<Array<{ id: number; severity: 'error' | 'success' | 'warning'; text: string }>>(
    []
  );
  useEffect(() => {
    let next = 0;
    const types = {
      error: AppEvents.alertError.name,
      success: AppEvents.alertSuccess.name,
      warning: AppEvents.alertWarning.name,
    };
    const subs = Object.entries(types).map(([severity, type]) =>
      getAppEvents()
        .getStream<BusEvent>({ type } as BusEventType<BusEvent>)
        .subscribe((e) => {
          const id = ++next;
          const text = ((e.payload as unknown[]) ?? []).filter((x) => typeof x === 'string').join(': ');
          setAlerts((a) => [...a.slice(-4), { id, severity: severity as 'error', text }]);
          setTimeout(() => setAlerts((a) => a.filter((x) => x.id !== id)), 5000);
        })
    );
    return () => subs.forEach((s) => s.unsubscribe());
  }, []);
  return (
    <div className={styles.alerts}>
      {alerts.map((a) => (
        <Alert key={a.id} title={a.text} severity={a.severity} data-testid="host-alert" />
      ))}
    </div>
  );
}

export function Shell({ plugin, role, banner }: { plugin: AppPlugin; role: string; banner?: string }) {
  const styles = useStyles2(getStyles);
  const defaultNav = ((plugin.meta.includes ?? []) as Include[]).find((i) => i.defaultNav)?.path;
  const home = defaultNav?.replace('%PLUGIN_ID%', plugin.meta.id) ?? `/a/${plugin.meta.id}`;
  return (
    <div className={styles.root}>
      {banner && (
        <div className={styles.banner} role="status" data-testid="host-banner">
          {banner}
        </div>
      )}
      <div className={styles.body}>
        <Nav meta={plugin.meta} role={role} />
        <main className={styles.main}>
          <Boundary>
            <Routes>
              <Route path={`/a/${plugin.meta.id}/*`} element={<AppRoot plugin={plugin} />} />
              <Route path={`/plugins/${plugin.meta.id}`} element={<ConfigRoot plugin={plugin} />} />
              <Route path="*" element={<Redirect to={home} />} />
            </Routes>
          </Boundary>
        </main>
      </div>
      <Alerts />
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => locationService.replace(to), [to]);
  return null;
}
