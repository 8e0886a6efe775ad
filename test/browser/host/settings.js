// The app's settings as Grafana keeps them (one org): enabled, pinned, jsonData, and
// secureJsonData, which stays in this process. What the browser gets from
// GET /api/plugins/<id>/settings is Grafana's PluginSetting: plugin.json's metadata with
// jsonData and secureJsonFields (true for every non-empty secret), never a secret value.
// POST replaces jsonData and merges secureJsonData key by key, as Grafana's update does.
'use strict';

function createSettings(pluginJson, initial = {}) {
  let state = {
    enabled: initial.enabled ?? true,
    pinned: initial.pinned ?? true,
    jsonData: initial.jsonData ?? {},
    secureJsonData: { ...initial.secureJsonData },
  };

  const secureJsonFields = () =>
    Object.fromEntries(
      Object.entries(state.secureJsonData)
        .filter(([, v]) => typeof v === 'string' && v.length > 0)
        .map(([k]) => [k, true])
    );

  const defaultNav = (pluginJson.includes ?? []).find((i) => i.defaultNav);

  return {
    /** What the browser may see: the PluginSetting DTO. */
    publicView: () => ({
      name: pluginJson.name,
      type: pluginJson.type,
      id: pluginJson.id,
      enabled: state.enabled,
      pinned: state.pinned,
      autoEnabled: false,
      module: `public/plugins/${pluginJson.id}/module.js`,
      baseUrl: `public/plugins/${pluginJson.id}`,
      info: pluginJson.info,
      includes: pluginJson.includes ?? [],
      dependencies: pluginJson.dependencies,
      defaultNavUrl: defaultNav ? defaultNav.path : `/plugins/${pluginJson.id}/`,
      jsonData: state.jsonData,
      secureJsonFields: secureJsonFields(),
      state: '',
      signature: 'unsigned',
      latestVersion: '',
      hasUpdate: false,
      loadingStrategy: 'script',
    }),
    /** What the proxy interpolates into route URLs and headers (server side only). */
    templateData: () => ({ JsonData: state.jsonData, SecureJsonData: state.secureJsonData }),
    update(body) {
      state = {
        enabled: body.enabled ?? state.enabled,
        pinned: body.pinned ?? state.pinned,
        jsonData: body.jsonData ?? state.jsonData,
        secureJsonData: { ...state.secureJsonData, ...body.secureJsonData },
      };
    },
  };
}

module.exports = { createSettings };
