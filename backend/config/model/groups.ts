/**
 * Failover groups: the unit that starts on one server and moves as a whole. Resources
 * start in dependency order and stop in reverse.
 */
import { z } from 'zod';
import { count, ipAddress, millis, name } from './primitives';

const dependsOn = {
  dependsOn: z.array(name).max(64).default([]).meta({
    description: 'Resources of the same group that must be started before this one (and stopped after it).',
  }),
};

export const execResource = z.strictObject({
  name,
  type: z.literal('exec'),
  start: z
    .string()
    .min(1)
    .max(4096)
    .meta({ description: 'Command run (via /bin/sh -c) to start the resource; exit 0 = started.' }),
  stop: z.string().min(1).max(4096).meta({ description: 'Command run to stop the resource; exit 0 = stopped.' }),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' }), z.string())
    .default({})
    .meta({ description: 'Extra environment variables for start and stop.' }),
  timeoutMs: millis(100, 3_600_000, 'Start/stop command timeout; the process group is killed after it.').default(
    60_000
  ),
  user: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, { error: 'must be a user name (at most 32 characters)' })
    .optional()
    .meta({
      description:
        "Run start and stop as this user (its uid, primary group, HOME) instead of the agent's own user, so scripts cannot read the agent's environment, secret files or credentials; the agent must run as root (or with CAP_SETUID and CAP_SETGID).",
    }),
  ...dependsOn,
});

export const floatingIpResource = z.strictObject({
  name,
  type: z.literal('floating-ip'),
  address: ipAddress.meta({
    description: 'The floating address, moved with the group (announced with gratuitous ARP / unsolicited NA).',
  }),
  prefix: count(0, 128, 'Prefix length.').default(24),
  interface: z
    .string()
    .regex(/^[A-Za-z0-9_.:@-]{1,15}$/, { error: 'must be a network interface name (at most 15 characters)' })
    .meta({ description: 'Interface the address is added to.' }),
  ...dependsOn,
});

export const resource = z.discriminatedUnion('type', [execResource, floatingIpResource], {
  error: (iss) => (iss.code === 'invalid_union' ? 'must be "exec" or "floating-ip"' : undefined),
});

export const group = z.strictObject({
  name,
  startupServers: z.array(name).max(32).optional().meta({
    description: 'Servers that may run the group, in failover priority order (default: all servers in server order).',
  }),
  autoStart: z.boolean().default(true).meta({ description: 'Start the group when the cluster starts.' }),
  autoFailback: z.boolean().default(false).meta({
    description:
      'Move the group back to a higher-priority server when it returns (off by default: moves are deliberate).',
  }),
  resources: z
    .array(resource)
    .max(64)
    .default([])
    .meta({ description: 'Group resources, started in dependency order.' }),
});

export type Group = z.infer<typeof group>;
export type Resource = z.infer<typeof resource>;
