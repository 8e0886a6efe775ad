/**
 * Split-brain protection: how a server that lost its peers decides whether they failed
 * (fail over) or it is itself cut off (protect data), and how a peer is forced off
 * (fencing through its BMC) before its groups are started elsewhere.
 */
import { z } from 'zod';
import { count, ipAddress, millis } from './primitives';

export const partitionAction = z.enum(['stop-service', 'shutdown', 'reboot', 'none'], {
  error: 'must be one of stop-service, shutdown, reboot, none',
});

export const partition = z
  .strictObject({
    majority: z.boolean().default(true).meta({
      description:
        'A side that hears fewer than half of the servers (exactly half: the side with the master server) loses.',
    }),
    ping: z
      .strictObject({
        targets: z
          .array(ipAddress)
          .min(1, { error: 'list at least one ping target' })
          .max(16)
          .meta({ description: 'Addresses to ping (ICMP echo).' }),
        intervalMs: millis(100, 60_000, 'Ping interval.').default(1000),
        timeoutMs: millis(50, 60_000, 'Ping reply timeout.').default(1000),
      })
      .optional()
      .meta({ description: 'A side that can reach none of these addresses (e.g. the default gateway) loses.' }),
    witness: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
          .meta({ description: 'Witness URL.' }),
        timeoutMs: millis(100, 60_000, 'Witness request timeout.').default(3000),
      })
      .optional()
      .meta({ description: 'HTTP witness: a side that cannot reach it loses; when both reach it, it arbitrates.' }),
    action: partitionAction.default('stop-service').meta({
      description: 'What the losing side does: stop the cluster service (default), shut down, reboot, or nothing.',
    }),
  })
  .meta({ description: 'Network partition resolution.' });

export const fencing = z
  .strictObject({
    action: z
      .enum(['none', 'bmc-power-off', 'bmc-reset', 'bmc-power-cycle'], {
        error: 'must be one of none, bmc-power-off, bmc-reset, bmc-power-cycle',
      })
      .default('none')
      .meta({ description: 'Forced stop of a lost peer through its BMC before its groups fail over.' }),
    delay: z
      .strictObject({
        policy: z
          .enum(['none', 'fixed', 'priority'], { error: 'must be one of none, fixed, priority' })
          .default('priority')
          .meta({
            description:
              '`priority`: a server waits baseMs x its position in the server list, so in a fence race the master server shoots first; `fixed`: every server waits baseMs.',
          }),
        baseMs: millis(0, 60_000, 'Delay unit for the policy.').default(5000),
      })
      .prefault({})
      .meta({ description: 'Fence race delay.' }),
    timeoutMs: millis(1000, 120_000, 'How long to wait for the BMC to confirm the power state.').default(20_000),
    retries: count(0, 10, 'Further attempts after a failed fencing call.').default(2),
  })
  .meta({ description: 'Fencing (STONITH) through the peer BMC.' });
