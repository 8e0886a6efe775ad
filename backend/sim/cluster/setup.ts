/**
 * Configurations for the whole-cluster simulation: the agent's own schema, at fast timings
 * (interval 100 ms, timeout 500 ms) so a minute of faults is a few thousand heartbeats.
 */
import { validateConfig, type ClusterConfig } from '../../config/model';
import type { SettleMode } from '../../protection/silence';

export interface SimSetup {
  servers: number;
  groups: number;
  mode: SettleMode;
  lan?: number;
}

export function simClusterConfig(o: SimSetup): ClusterConfig {
  const names = Array.from({ length: o.servers }, (_, i) => `server${i + 1}`);
  const data = {
    cluster: { name: 'sim', heartbeat: { intervalMs: 100, timeoutMs: 500 }, secret: { env: 'LIFELINE_SECRET' } },
    servers: names.map((name, i) => ({
      name,
      api: { address: `10.9.0.${i + 1}` },
      bmc: { address: `10.8.0.${i + 1}`, user: 'admin', password: { env: 'BMC' } },
    })),
    interconnects: [
      ...Array.from({ length: o.lan ?? 2 }, (_, k) => ({
        type: 'lan',
        addresses: Object.fromEntries(names.map((s, i) => [s, `10.${k}.0.${i + 1}`])),
      })),
      { type: 'bmc', addresses: Object.fromEntries(names.map((s, i) => [s, `10.8.0.${i + 1}`])) },
    ],
    fencing:
      o.mode === 'fencing'
        ? { action: 'bmc-power-off', delay: { policy: 'priority', baseMs: 300 }, timeoutMs: 1000, retries: 0 }
        : { action: 'none' },
    ...(o.mode === 'watchdog' ? { watchdog: { timeoutMs: 2000 } } : {}),
    groups: Array.from({ length: o.groups }, (_, i) => ({
      name: `g${i}`,
      // Spread the groups over the servers, so every server holds some.
      startupServers: names.map((_, k) => names[(i + k) % names.length]),
      resources: [
        { name: `g${i}-data`, type: 'exec', start: 'true', stop: 'true', timeoutMs: 800 },
        { name: `g${i}-app`, type: 'exec', start: 'true', stop: 'true', timeoutMs: 800, dependsOn: [`g${i}-data`] },
      ],
    })),
  };
  const r = validateConfig(data);
  if (!r.ok) {
    throw new Error(`simulation configuration: ${JSON.stringify(r.problems)}`);
  }
  return r.config;
}
