/**
 * Who is in the cluster and how its members reach each other: the cluster's identity,
 * the servers in priority order and the interconnect table (rows are routes, columns are
 * servers), as in the product's "Interconnect" tab.
 */
import { z } from 'zod';
import { count, host, ipAddress, millis, name, port, secretRef } from './primitives';

export const DEFAULT_API_PORT = 29010;
export const DEFAULT_HEARTBEAT_PORT = 29002;
export const DEFAULT_BMC_PORT = 623;

export const heartbeat = z
  .strictObject({
    intervalMs: millis(50, 60_000, 'How often each server sends a heartbeat on every interconnect.').default(1000),
    timeoutMs: millis(200, 600_000, 'Silence after which a path (and, on every path, a server) is down.').default(5000),
  })
  .refine((h) => h.timeoutMs >= 2 * h.intervalMs, {
    error: 'timeoutMs must be at least twice intervalMs, or a single lost packet marks a path down',
    path: ['timeoutMs'],
  });

export const clusterSettings = z.strictObject({
  name: name.meta({ description: 'Cluster name; heartbeats of other clusters are rejected.' }),
  heartbeat: heartbeat.prefault({}).meta({ description: 'LAN heartbeat timing.' }),
  secret: secretRef.meta({
    description: 'Shared secret that authenticates heartbeats (HMAC-SHA256) between agents: `{file}` or `{env}`.',
  }),
});

export const bmc = z.strictObject({
  address: host.meta({ description: 'BMC address on the management LAN (also the expected source of its traps).' }),
  port: port.default(DEFAULT_BMC_PORT).meta({ description: 'IPMI-over-LAN (RMCP+) UDP port.' }),
  user: z.string().min(1).max(16).meta({ description: 'IPMI user name (at most 16 bytes per IPMI v2.0).' }),
  password: secretRef.meta({ description: 'IPMI password: `{file}` or `{env}`.' }),
  cipherSuite: count(0, 17, 'IPMI v2.0 cipher suite ID passed to ipmitool -C (3 = HMAC-SHA1, AES-CBC-128).').default(3),
});

export const server = z.strictObject({
  name,
  api: z
    .strictObject({
      address: host.meta({ description: 'Address the agent API listens on and peers call.' }),
      port: port.default(DEFAULT_API_PORT).meta({ description: 'API TCP port.' }),
    })
    .meta({ description: "The agent's HTTP API endpoint." }),
  bmc: bmc
    .optional()
    .meta({ description: "The server's BMC; required when a BMC interconnect or BMC fencing is used." }),
});

export const interconnect = z.strictObject({
  type: z.enum(['lan', 'bmc'], { error: 'must be "lan" or "bmc"' }).meta({
    description: '`lan`: UDP heartbeats between agents; `bmc`: the peer is checked through its BMC.',
  }),
  port: port.optional().meta({
    description: `UDP port: heartbeat port for lan (default ${DEFAULT_HEARTBEAT_PORT}); RMCP port for bmc (default: each server's bmc.port).`,
  }),
  addresses: z.record(z.string(), ipAddress).meta({
    description: 'One address per server, keyed by server name: the address of that server on this route.',
  }),
});

export type Interconnect = z.infer<typeof interconnect>;
export type Server = z.infer<typeof server>;
