/**
 * Monitor resources: what is watched, how often, and the recovery ladder that runs when
 * a monitor fails (restart N times, fail over N times, then a final action).
 */
import { z } from 'zod';
import { count, millis, name, utf8Length } from './primitives';
import { petClassification } from './traps';

export const BMCNOTICE = 'BMCNOTICE';
export const DEFAULT_TRAP_PORT = 162;

export const finalAction = z.enum(
  [
    'none',
    'stop-group',
    'stop-cluster-service',
    'shutdown',
    'reboot',
    'bmc-reset',
    'bmc-power-off',
    'bmc-power-cycle',
    'bmc-nmi',
  ],
  {
    error:
      'must be one of none, stop-group, stop-cluster-service, shutdown, reboot, bmc-reset, bmc-power-off, bmc-power-cycle, bmc-nmi',
  }
);

export const recovery = z.strictObject({
  targetType: z
    .enum(['group', 'resource', 'local-server'], { error: 'must be one of group, resource, local-server' })
    .default('local-server')
    .meta({ description: 'What the recovery acts on: a group, a resource, or the local server (final action only).' }),
  target: name
    .optional()
    .meta({ description: 'Name of the group or resource to recover (not used for local-server).' }),
  restartThreshold: count(0, 99, 'Times the target is restarted in place before failing over.').default(0),
  failoverThreshold: count(0, 99, 'Times the target is failed over before the final action.').default(1),
  finalAction: finalAction
    .default('none')
    .meta({ description: 'What happens when the ladder is exhausted (bmc-* act on this server through its own BMC).' }),
  preActionScript: z
    .strictObject({
      command: z.string().min(1).max(4096).meta({ description: 'Shell command.' }),
      timeoutMs: millis(100, 600_000, 'Script timeout.').default(30_000),
    })
    .optional()
    .meta({ description: 'Command run before each recovery step (with LIFELINE_RECOVERY_STEP in its environment).' }),
});

const common = {
  intervalMs: millis(100, 3_600_000, 'Time between checks.').default(60_000),
  timeoutMs: millis(100, 3_600_000, 'A check that takes longer has failed.').default(120_000),
  retries: count(0, 999, 'Consecutive failures tolerated before the monitor is in error.').default(0),
  initialWaitMs: millis(0, 3_600_000, 'Wait after start before the first check.').default(0),
  timing: z
    .discriminatedUnion(
      'mode',
      [
        z.strictObject({ mode: z.literal('always') }),
        z.strictObject({
          mode: z.literal('active'),
          resource: name.meta({ description: 'Monitor only while this resource is active.' }),
        }),
      ],
      { error: (iss) => (iss.code === 'invalid_union' ? 'must be "always" or "active"' : undefined) }
    )
    .prefault({ mode: 'always' })
    .meta({ description: '`always`, or `active` with the resource whose activity turns the monitor on.' }),
  servers: z.array(name).max(32).optional().meta({ description: 'Servers that run this monitor (default: all).' }),
  recovery: recovery.prefault({}).meta({ description: 'Recovery ladder run when the monitor is in error.' }),
};

export const userModeMonitor = z.strictObject({
  name,
  type: z.literal('user-mode'),
  ...common,
});

const category = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((s) => utf8Length(s) <= 32, { error: (iss) => `is ${utf8Length(String(iss.input))} bytes; the limit is 32` });

const keyword = z
  .string()
  .refine((s) => utf8Length(s) <= 1023, {
    error: (iss) => `is ${utf8Length(String(iss.input))} bytes; the limit is 1023`,
  })
  .meta({
    description: `For category ${BMCNOTICE}: <IPv4|IPv6>[:port], the OS-side address that receives the BMC's traps (port ${DEFAULT_TRAP_PORT} by default).`,
  });

export const messageReceiveMonitor = z.strictObject({
  name,
  type: z.literal('message-receive'),
  ...common,
  category: category.meta({ description: `Category (at most 32 bytes); ${BMCNOTICE} for BMC linkage.` }),
  keyword: keyword.optional(),
  perServer: z
    .record(z.string(), z.strictObject({ keyword }))
    .default({})
    .meta({ description: 'Per-server keyword overrides ("Monitor(special)" individual server settings).' }),
  pet: petClassification.prefault({}),
});

export const monitor = z.discriminatedUnion('type', [userModeMonitor, messageReceiveMonitor], {
  error: (iss) => (iss.code === 'invalid_union' ? 'must be "user-mode" or "message-receive"' : undefined),
});

export type Monitor = z.infer<typeof monitor>;
export type MessageReceiveMonitor = z.infer<typeof messageReceiveMonitor>;
