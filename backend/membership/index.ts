// Cluster membership: LAN heartbeats between agents, path and server states with BMC
// evidence, and the worker-thread service the agent runs them in. See README.md.
//
//   new HeartbeatService(config, self, secret, options)   the agent's entry point
//   new Membership({config, self, secret, incarnation, transport, clock})   the pure core
//   encodeHeartbeat / decodeHeartbeat                     the packet codec
//   registerMembershipMetrics(registry, service)          Prometheus metrics

export * from './types';
export { Membership, type MembershipOptions } from './membership';
export {
  HeartbeatService,
  DEFAULT_MAIN_STALL_LIMIT_MS,
  type BmcReading,
  type HeartbeatMode,
  type HeartbeatServiceEvents,
  type HeartbeatServiceOptions,
  type HeartbeatSnapshot,
} from './heartbeat-service';
export type { Transport, TransportSink } from './transport';
export { UdpTransport, HeartbeatBindError, type BoundSocket } from './udp-transport';
export {
  decodeHeartbeat,
  encodeHeartbeat,
  heartbeatKey,
  HEARTBEAT_VERSION,
  MAX_PACKET_BYTES,
  MIN_PACKET_BYTES,
  type DecodeResult,
  type Echo,
  type Heartbeat,
} from './codec';
export { makeLayout, toBitmap, fromBitmap, checkSummary, type Bitmap, type Layout } from './layout';
export { classifyServer, bmcEvidence } from './server-state';
export { timingFor, type Timing, type TimingOverrides } from './timing';
export { resolveTopology, type Topology, type LanInterconnect, type PeerInfo } from './topology';
export { newIncarnation } from './incarnation';
export { ReplayWindow, REPLAY_WINDOW } from './replay';
export { registerMembershipMetrics, RTT_BUCKETS, METRIC_NAMES, type MetricsSource } from './metrics';
