/**
 * SNMP trap intake settings: who may send traps (communities, SNMPv3 users, sources),
 * and how the agent keeps its event log. Where the agent listens is not here: that is
 * the BMCNOTICE monitors' keywords, as in the product.
 */
import { z } from 'zod';
import { count, secretRef } from './primitives';

const pattern = z
  .string()
  .regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, { error: 'must be an IP address or a CIDR block like 10.0.0.0/24' })
  .meta({ description: 'An address or CIDR block.' });

export const snmpUser = z.strictObject({
  name: z.string().min(1).max(32).meta({ description: 'SNMPv3 USM user name (as configured on the BMC).' }),
  authProtocol: z
    .enum(['sha', 'sha224', 'sha256', 'sha384', 'sha512'], {
      error: 'must be one of sha, sha224, sha256, sha384, sha512',
    })
    .default('sha256')
    .meta({ description: 'HMAC for authentication (MD5 is not accepted).' }),
  authKey: secretRef.meta({ description: 'Authentication pass phrase: `{file}` or `{env}`.' }),
  privProtocol: z
    .enum(['aes', 'aes256b', 'aes256r', 'none'], { error: 'must be one of aes, aes256b, aes256r, none' })
    .default('aes')
    .meta({ description: 'Encryption (`aes` = AES-128-CFB; `none` accepts authNoPriv traps).' }),
  privKey: secretRef.optional().meta({ description: 'Privacy pass phrase (required unless privProtocol is none).' }),
});

export const traps = z
  .strictObject({
    communities: z.array(z.string().min(1).max(64)).max(16).default(['public']).meta({
      description:
        'SNMPv1/v2c communities accepted. Communities travel in clear text in every packet, so they are plain values here; the source allow-list is the real gate. Use SNMPv3 users for authenticated traps.',
    }),
    users: z
      .array(snmpUser)
      .max(16)
      .default([])
      .meta({ description: 'SNMPv3 USM users whose traps and informs are accepted.' }),
    allowSources: z.array(pattern).max(64).default([]).meta({
      description:
        "Extra sources allowed to send traps, besides every server's BMC address and BMC interconnect addresses (always allowed).",
    }),
    receiveBufferBytes: count(
      65_536,
      64 * 1024 * 1024,
      'Socket receive buffer requested for each trap socket.'
    ).default(4 * 1024 * 1024),
    eventLog: z
      .strictObject({
        maxEvents: count(1000, 10_000_000, 'Events kept; the oldest are deleted beyond this.').default(100_000),
        maxAgeDays: count(1, 3650, 'Events older than this are deleted.').default(90),
        burstWindowMs: count(
          100,
          3_600_000,
          'Identical traps within this window are stored once with a repeat count.'
        ).default(10_000),
      })
      .prefault({})
      .meta({ description: 'The embedded event log (SQLite) of received traps and notifications.' }),
  })
  .meta({ description: 'SNMP trap intake.' });

/** Per-monitor overrides of the default PET classification (backend/traps/pet/README.md). */
const eventRule = z.strictObject({
  sensorType: count(0, 255, 'IPMI sensor type code (e.g. 7 = processor).').optional(),
  eventType: count(0, 255, 'Event/reading type code (1 = threshold, 111 = 0x6F sensor-specific).').optional(),
  offset: count(0, 15, 'Event offset.').optional(),
  label: z.string().max(80).optional().meta({ description: 'Shown in the classification reason.' }),
});

export const petClassification = z
  .strictObject({
    fatalSeverities: z
      .array(count(0, 255, 'PET severity byte.'))
      .max(8)
      .optional(),
    recoverableSeverities: z
      .array(count(0, 255, 'PET severity byte.'))
      .max(8)
      .optional(),
    fatalEvents: z
      .array(eventRule)
      .max(256)
      .optional()
      .meta({ description: 'Events that are fatal whatever their severity (replaces the default list).' }),
    recoverableEvents: z.array(eventRule).max(256).optional(),
    informationalEvents: z
      .array(eventRule)
      .max(256)
      .optional()
      .meta({ description: 'Events never treated as errors (silences a noisy sensor).' }),
    clearOnDeassertion: z.boolean().default(false).meta({
      description: 'Clear the monitor error when the BMC sends the deassertion of the event that raised it.',
    }),
  })
  .meta({ description: 'PET classification for this monitor (defaults: see backend/traps/pet/README.md).' });
