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

export const watchdog = z
  .strictObject({
    device: z
      .string()
      .regex(/^\/[^\0]*$/, { error: 'must be an absolute path' })
      .max(255)
      .default('/dev/watchdog')
      .meta({
        description:
          'Watchdog device (softdog or a hardware watchdog); `lifeline agent --watchdog-device` overrides it.',
      }),
    timeoutMs: millis(2000, 600_000, 'Time without a pet after which the watchdog resets the host.').default(10_000),
  })
  .meta({
    description:
      'Self-fencing (SBD-style): every agent pets this watchdog while it may hold groups and stops petting when it must release them but could not, so a hung or cut-off server resets itself. With it, peers take over a silent server without fencing, once its reset deadline has passed.',
  });
