// The HTML Grafana serves for every app page: <base href="/">, window.grafanaBootData (the
// signed-in user with role and theme, the settings @grafana/runtime's config reads at import)
// before any script, and the host's script. Secrets never appear here.
'use strict';

/** JSON that is safe inside a <script> element. */
const inline = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

function bootData({ user, pluginId, pluginVersion, appUrl }) {
  const theme = user.theme ?? 'dark';
  return {
    user: {
      id: 1,
      uid: 'host-user',
      isSignedIn: true,
      login: user.login ?? user.role.toLowerCase(),
      name: user.name ?? `Test ${user.role}`,
      email: `${user.login ?? user.role.toLowerCase()}@example.test`,
      orgId: 1,
      orgName: 'Main Org.',
      orgRole: user.role,
      isGrafanaAdmin: user.role === 'Admin',
      theme,
      lightTheme: theme === 'light',
      timezone: 'browser',
      weekStart: '',
      locale: 'en-US',
      language: 'en-US',
      regionalFormat: 'en-US',
      permissions: {
        'plugins.app:access': true,
        ...(user.role === 'Admin' ? { 'plugins:write': true } : {}),
      },
    },
    settings: {
      appUrl,
      appSubUrl: '',
      buildInfo: { version: '12.4.10', commit: 'test-host', env: 'production', edition: 'Open Source' },
      apps: { [pluginId]: { id: pluginId, path: `public/plugins/${pluginId}/module.js`, version: pluginVersion } },
      featureToggles: {},
      datasources: {},
      panels: {},
      theme2: undefined,
    },
    navTree: [],
    assets: { dark: '', light: '' },
  };
}

function hostPage({ user, pluginId, pluginVersion, appUrl, assets, banner }) {
  const theme = user.theme ?? 'dark';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="/">
<title>Grafana-compatible test host</title>
<style>body { margin: 0; }</style>
<script>
window.grafanaBootData = ${inline(bootData({ user, pluginId, pluginVersion, appUrl }))};
window.__grafana_public_path__ = '/public/';
window.__hostOptions = ${inline({ pluginId, banner })};
</script>
<link rel="stylesheet" href="${assets}host.css">
<script defer src="${assets}host.js"></script>
</head>
<body class="theme-${theme}">
<div id="reactRoot"></div>
</body>
</html>
`;
}

module.exports = { hostPage, bootData };
