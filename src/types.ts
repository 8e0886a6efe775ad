/**
 * Plugin settings kept in Grafana (contract C): the ordered agent URLs in jsonData; the three
 * tokens (viewerToken, operatorToken, adminToken) in secureJsonData, which the browser never
 * reads back (only secureJsonFields says which are set).
 */
export interface AppSettings {
  /** Base URLs of the agents' APIs, e.g. http://10.0.0.1:29010, in the order to try (1..8). */
  agentUrls?: string[];
  /** The single URL of versions before the agent list; shown as the first agent when agentUrls is unset. */
  agentUrl?: string;
}

export const TOKEN_KEYS = ['viewerToken', 'operatorToken', 'adminToken'] as const;
export type TokenKey = (typeof TOKEN_KEYS)[number];

export function agentUrlsOf(settings: AppSettings | undefined): string[] {
  if (settings?.agentUrls && settings.agentUrls.length > 0) {
    return settings.agentUrls;
  }
  return settings?.agentUrl ? [settings.agentUrl] : [];
}
