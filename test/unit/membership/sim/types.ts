// Re-exports for the simulation helpers, so they import from one place.
export type { ClusterConfig } from '../../../../backend/config/model';
export type { Transport, TransportSink } from '../../../../backend/membership';
