/**
 * Answers of a maximum-size cluster (32 servers, 16 interconnects, 128 groups, 512
 * monitors: 16,384 monitor x server states), shaped like the recorded ones.
 */
import type { Handler } from './fake-fetch';

export function maxAnswers(servers = 32, interconnects = 16, groups = 128, monitors = 512) {
  const names = Array.from({ length: servers }, (_, i) => `server${i + 1}`);
  const now = 1_796_302_125_699;
  const status = {
    cluster: 'max',
    self: 'server1',
    at: now,
    heartbeat: {
      running: true,
      mode: 'worker',
      intervalMs: 1000,
      timeoutMs: 5000,
      incarnation: '1',
      muted: false,
      error: null,
    },
    interconnects: Array.from({ length: interconnects }, (_, k) => ({
      index: k,
      type: k === interconnects - 1 ? 'bmc' : 'lan',
      port: null,
    })),
    servers: names.map((name, i) => ({
      name,
      self: i === 0,
      state: 'online',
      since: now - 60_000,
      degraded: false,
      reason: i === 0 ? 'this agent' : 'heard on every path',
      paths: Array.from({ length: interconnects }, (_, k) => ({
        interconnect: k,
        type: k === interconnects - 1 ? 'bmc' : 'lan',
        address: `10.${k}.0.${i + 1}`,
        state: i === 0 ? 'self' : 'up',
        lastHeard: i === 0 ? null : now - 100,
        silenceMs: i === 0 ? null : 100,
        rttMs: i === 0 ? null : 0.5 + k / 10,
      })),
      bmc: {
        reachable: i === 0 ? null : true,
        power: i === 0 ? 'unknown' : 'on',
        lastError: null,
        lastPowerReadAt: now - 1000,
      },
      config: { revision: 1, hash: 'a'.repeat(64) },
    })),
    groups: Array.from({ length: groups }, (_, g) => ({
      name: `group${g + 1}`,
      state: 'online',
      currentServer: names[g % servers],
      holders: [names[g % servers]],
      startupServers: [0, 1, 2, 3].map((k) => names[(g + k) % servers]),
      local: g % servers === 0 ? 'online' : 'offline',
      operation: null as string | null,
    })),
    monitors: Array.from({ length: monitors }, (_, m) => ({
      name: `monitor${m + 1}`,
      status: 'normal',
      counts: { normal: servers, warning: 0, error: 0, suspended: 0 },
      notNormal: [] as unknown[],
    })),
    config: { revision: 1, hash: 'a'.repeat(64), runningRevision: 1, restartRequired: false, conflicts: [] },
  };
  const states = status.monitors.flatMap((m) =>
    names.map((server) => ({ monitor: m.name, server, status: 'normal', since: now - 60_000, reason: 'started' }))
  );
  return { status, monitors: { monitors: states } };
}

export function maxAgent(a: ReturnType<typeof maxAnswers>): Handler {
  return (req) => {
    const path = req.path.split('?')[0];
    if (path === '/status') {
      return { body: a.status };
    }
    if (path === '/monitors') {
      return { body: a.monitors };
    }
    return { status: 404, body: { error: 'not in this fake' } };
  };
}
