// BMC linkage: presence pings, ipmitool power control, the per-peer checker, fencing and
// metrics. See README.md in this folder for how the pieces fit together.

export * from './types';
export { SecretValue } from './secret-value';
export {
  decodePresencePong,
  encodePresencePing,
  encodePresencePong,
  ASF_IANA,
  type PresencePong,
  type PongDecode,
  type PongRejectReason,
} from './rmcp-codec';
export { createPinger, presencePing, type PingFunction, type PingResult, type PingFailureReason } from './rmcp-ping';
export {
  parseChassisOutput,
  interpretChassisOutput,
  type ParsedChassisOutput,
  type IpmitoolErrorReason,
  type ControlAction,
} from './ipmitool-output';
export { ipmitoolArgs, ipmitoolEnv, DEFAULT_TIMING, type IpmitoolTiming } from './ipmitool-args';
export { IpmitoolRunner, DEFAULT_HARD_TIMEOUT_MS, bmcKey, type IpmitoolRunnerOptions } from './ipmitool';
export {
  BmcChecker,
  type BmcCheckerOptions,
  type BmcCheckerObserver,
  type BmcChange,
  type BmcCheckerEvents,
} from './checker';
export type { BmcPeerState, BmcError, ChangedField } from './checker-state';
export {
  bmcPeersFromConfig,
  resolveIpmiTarget,
  resolveIpmiTargets,
  describeSecretRef,
  type BmcPeer,
  type SecretReader,
} from './targets';
export {
  fence,
  powerOff,
  reset,
  powerCycle,
  fenceActionFromConfig,
  type FenceAction,
  type FenceOptions,
  type FenceResult,
  type FenceAttempt,
  type FenceEvidence,
} from './fence';
export { BmcMetrics, type BmcMetricsOptions } from './metrics';
