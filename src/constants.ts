import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** Page routes under PLUGIN_BASE_URL. */
export enum ROUTES {
  Overview = 'overview',
  Servers = 'servers',
  Groups = 'groups',
  Monitors = 'monitors',
  Events = 'events',
  Failovers = 'failovers',
  Config = 'config',
}

export const pageUrl = (route: ROUTES, rest = '') => `${PLUGIN_BASE_URL}/${route}${rest ? `/${rest}` : ''}`;

/** The bundled dashboards (src/dashboards/*.json, their uid). */
export const DASHBOARDS = [
  { uid: 'lifeline-cluster-overview', title: 'Cluster overview (metrics)' },
  { uid: 'lifeline-trap-intake', title: 'Trap intake (metrics)' },
];
