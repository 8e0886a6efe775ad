/** The cluster configuration model, shared by the agent, the CLI and the Grafana plugin. */
export * from './schema';
export * from './parse';
export * from './problems';
export * from './canonical';
export { checkSemantics, monitoredServers, trapEndpoint } from './semantics';
export { parseEndpoint, formatEndpoint, type Endpoint, type SecretRef } from './primitives';
export { BMCNOTICE, DEFAULT_TRAP_PORT, type Monitor, type MessageReceiveMonitor } from './monitors';
export { DEFAULT_API_PORT, DEFAULT_HEARTBEAT_PORT, DEFAULT_BMC_PORT, type Server, type Interconnect } from './topology';
export type { Group, Resource } from './groups';
export { isReservedTokenName, PEER_PRINCIPAL, RESERVED_TOKEN_NAMES, ROLES, type Role } from './api';
