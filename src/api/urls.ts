import { PLUGIN_ID } from '../constants';

/**
 * Grafana's plugin proxy routes (contract C, plugin.json): one set per agent i in 0..7,
 * each role with its own token and `reqRole`. The browser never sees a token.
 */
export type ProxyRole = 'viewer' | 'operator' | 'admin';
export const MAX_AGENTS = 8;

export function proxyUrl(agent: number, role: ProxyRole, path: string): string {
  if (!Number.isInteger(agent) || agent < 0 || agent >= MAX_AGENTS) {
    throw new Error(`agent index ${agent} is outside 0..${MAX_AGENTS - 1}`);
  }
  return `/api/plugin-proxy/${PLUGIN_ID}/agent${agent}/${role}/api/v1${path}`;
}

/** The host part of an agent URL, for labels ("server at 10.0.0.1:29010"). */
export function agentLabel(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}
