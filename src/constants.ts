import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** The agent API is reached through Grafana's data proxy so the token stays on the server. */
export const AGENT_PROXY_URL = `/api/plugins/${pluginJson.id}/resources/agent`;

export enum ROUTES {
  Config = 'config',
}
