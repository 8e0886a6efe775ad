import * as z from 'zod/mini';
import { configChange } from './config';
import { monitorSummary } from './monitors';

const ms = z.nullable(z.number());

export const statusPath = z.object({
  interconnect: z.number(),
  type: z.string(),
  address: z.string(),
  /** pending, up, down, or self (the agent asked). */
  state: z.string(),
  lastHeard: ms,
  silenceMs: ms,
  rttMs: ms,
});

export const statusBmc = z.object({
  reachable: z.nullable(z.boolean()),
  power: z.string(),
  lastError: z.nullable(z.object({ source: z.string(), message: z.string(), at: z.number() })),
  lastPowerReadAt: ms,
});

export const statusServer = z.object({
  name: z.string(),
  self: z.boolean(),
  state: z.string(),
  since: ms,
  degraded: z.boolean(),
  reason: z.nullable(z.string()),
  paths: z.array(statusPath),
  bmc: z.nullable(statusBmc),
  config: z.nullable(z.object({ revision: z.number(), hash: z.string() })),
});

export const statusGroup = z.object({
  name: z.string(),
  state: z.string(),
  currentServer: z.nullable(z.string()),
  holders: z.array(z.string()),
  startupServers: z.array(z.string()),
  local: z.string(),
  operation: z.nullable(z.string()),
});

export const configConflict = z.object({ revision: z.number(), hashes: z.record(z.string(), z.string()) });

/** GET /api/v1/status */
export const clusterStatus = z.object({
  cluster: z.string(),
  self: z.string(),
  at: z.number(),
  heartbeat: z.object({
    running: z.boolean(),
    mode: z.nullable(z.string()),
    intervalMs: z.number(),
    timeoutMs: z.number(),
    muted: z.boolean(),
    error: z.nullable(z.string()),
  }),
  interconnects: z.array(z.object({ index: z.number(), type: z.string(), port: z.nullable(z.number()) })),
  servers: z.array(statusServer),
  groups: z.array(statusGroup),
  monitors: z.array(monitorSummary),
  config: z.object({
    revision: z.number(),
    hash: z.string(),
    /** The revision this agent's subsystems run (equal to `revision` once applied live). */
    runningRevision: z.number(),
    restartRequired: z.boolean(),
    /** The changes since the agent started that wait for its restart (restartRequired). */
    restartChanges: z.optional(z.array(configChange)),
    conflicts: z.array(configConflict),
  }),
});

export type StatusPathAnswer = z.infer<typeof statusPath>;
export type StatusServerAnswer = z.infer<typeof statusServer>;
export type StatusGroupAnswer = z.infer<typeof statusGroup>;
export type ClusterStatusAnswer = z.infer<typeof clusterStatus>;
