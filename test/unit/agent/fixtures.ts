// Shared fixtures for the agent's pure parts: a validated two-LAN + BMC cluster and
// membership snapshots/evidence as the heartbeat service hands them out.
import { validateConfig, type ClusterConfig } from '../../../backend/config/model';
import { zeroCounters, type Evidence, type HeartbeatSnapshot, type PeerSnapshot } from '../../../backend/membership';
import { loopbackCluster } from '../../support/cluster';

export function cluster(o: { servers?: number; bmc?: boolean } = {}): ClusterConfig {
  const r = validateConfig(
    loopbackCluster({
      servers: o.servers ?? 3,
      apiPort: 29010,
      lanPorts: [29002, 29003],
      bmcPort: o.bmc === false ? undefined : 623,
      groups: ['failover1'],
      monitors: [{ name: 'userw', type: 'user-mode' }],
    })
  );
  if (!r.ok) {
    throw new Error(JSON.stringify(r.problems));
  }
  return r.config;
}

export const evidence = (over: Partial<Evidence> = {}): Evidence => ({
  reason: 'no heartbeat on any path for 1.000 s or more; BMC reports power off',
  paths: [
    { interconnect: 0, state: 'down', fresh: false, lastHeardAt: 1000, silenceMs: 1000 },
    { interconnect: 1, state: 'down', fresh: false, lastHeardAt: 900, silenceMs: 1100 },
  ],
  bmc: { configured: true, report: { reachable: true, power: 'off', at: 1500 }, current: true, ageMs: 500 },
  ...over,
});

export function peer(server: string, over: Partial<PeerSnapshot> = {}): PeerSnapshot {
  return {
    server,
    state: 'online',
    since: 100,
    degraded: false,
    incarnation: '1',
    paths: [
      { interconnect: 0, state: 'up', fresh: true, lastHeardAt: 1900, silenceMs: 100, rttMs: 0.05, rttLastMs: 0.05 },
      { interconnect: 1, state: 'up', fresh: true, lastHeardAt: 1950, silenceMs: 50, rttMs: 0.07, rttLastMs: 0.07 },
    ],
    bmc: { configured: true, report: null, current: false, ageMs: null },
    summary: { revision: 1, hash: 'ab', layoutMatches: true, groups: [], hears: null },
    ...over,
  };
}

export function snapshot(peers: PeerSnapshot[]): HeartbeatSnapshot {
  return {
    self: 'server1',
    incarnation: '42',
    at: 2000,
    startedAt: 0,
    muted: false,
    sequence: 10,
    peers,
    counters: zeroCounters(),
    lastRejections: [],
    lastSendError: null,
    mode: 'worker',
    running: true,
  };
}
