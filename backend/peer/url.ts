/** Where a peer's API is: the one URL builder for every agent-to-agent call. */
import type { ClusterConfig } from '../config/model';

/**
 * `path` (under /api/v1, e.g. "/internal/leaving") on `peer`'s API, with an optional query;
 * undefined for a server not in the configuration.
 */
export function peerUrl(
  config: ClusterConfig,
  peer: string,
  path: string,
  query?: Record<string, string>
): string | undefined {
  const s = config.servers.find((x) => x.name === peer);
  if (!s) {
    return undefined;
  }
  const host = s.api.address.includes(':') ? `[${s.api.address}]` : s.api.address;
  const qs = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
  return `${config.api.tls ? 'https' : 'http'}://${host}:${s.api.port}/api/v1${path}${qs}`;
}
