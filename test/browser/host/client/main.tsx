/**
 * The host page's script, in Grafana's boot order: window.grafanaBootData is already set by
 * the page (config reads it on import), then the runtime services a plugin may call are set
 * (backendSrv, appEvents, echo, PluginPage, the hooks Grafana core provides), the plugin's
 * settings are read from /api/plugins/<id>/settings, its module.js is loaded as an AMD module
 * with the shared externals, `plugin.init(meta)` runs, and the app renders inside
 * ThemeContext + GlobalStyles + a Router bound to locationService.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { type AppPlugin, type AppPluginMeta, EventBusSrv, ThemeContext } from '@grafana/data';
import {
  config,
  FakeEchoSrv,
  setAppEvents,
  setBackendSrv,
  setChromeHeaderHeightHook,
  setEchoSrv,
  setPluginComponentHook,
  setPluginLinksHook,
  setReturnToPreviousHook,
} from '@grafana/runtime';
import { setPluginPage } from '@grafana/runtime/dist/esm/components/PluginPage.mjs';
import { GlobalStyles } from '@grafana/ui';
import { loadAmdModule } from './amd';
import { backendSrv } from './backendSrv';
import { externals } from './externals';
import { HostPluginPage, setPageIncludes } from './PluginPage';
import { HostRouter, Shell } from './Shell';

interface HostOptions {
  pluginId: string;
  banner?: string;
}

declare global {
  interface Window {
    __hostOptions: HostOptions;
    __hostState: { phase: 'booting' | 'ready' | 'failed'; error?: string };
  }
}

const { pluginId, banner } = window.__hostOptions;
window.__hostState = { phase: 'booting' };

setBackendSrv(backendSrv);
setAppEvents(new EventBusSrv());
setEchoSrv(new FakeEchoSrv());
setPluginPage(HostPluginPage);
setChromeHeaderHeightHook(() => 0);
setReturnToPreviousHook(() => () => {});
setPluginLinksHook(() => ({ links: [], isLoading: false }));
setPluginComponentHook(() => ({ component: null, isLoading: false }) as never);

async function boot() {
  performance.mark('host:boot');
  const meta = await backendSrv.get<AppPluginMeta>(`api/plugins/${pluginId}/settings`);
  setPageIncludes(pluginId, (meta.includes ?? []) as never);
  const exported = await loadAmdModule(`/${meta.module}`, externals);
  const plugin: AppPlugin | undefined = exported.plugin;
  if (!plugin) {
    throw new Error(`${meta.module} exports no plugin`);
  }
  plugin.init(meta);
  plugin.meta = meta;
  performance.mark('host:plugin-loaded');
  const role = config.bootData.user.orgRole || 'None';
  createRoot(document.getElementById('reactRoot')!).render(
    <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <HostRouter>
        <Shell plugin={plugin} role={role} banner={banner} />
      </HostRouter>
    </ThemeContext.Provider>
  );
  window.__hostState = { phase: 'ready' };
}

boot().catch((e: Error) => {
  window.__hostState = { phase: 'failed', error: e.message };
  const el = document.getElementById('reactRoot')!;
  el.textContent = `The host could not load the plugin: ${e.message}`;
  el.setAttribute('data-testid', 'host-boot-error');
  throw e;
});
