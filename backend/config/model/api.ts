/**
 * Access to the agents' HTTP API: bearer tokens with roles, stored as SHA-256 hashes
 * (here or in a token file), and optional TLS.
 */
import { z } from 'zod';
import { name } from './primitives';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const apiToken = z.strictObject({
  name: name.meta({ description: 'Who holds the token (shown in logs and the event log, never the token).' }),
  role: z.enum(ROLES, { error: 'must be one of viewer, operator, admin' }).meta({
    description:
      '`viewer` reads; `operator` also operates groups and monitors; `admin` also changes the configuration.',
  }),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lower-case hex digits (lifeline token create prints it)' })
    .meta({ description: 'SHA-256 of the token, hex. The token itself is never stored.' }),
});

export const api = z
  .strictObject({
    tokens: z.array(apiToken).max(256).default([]).meta({ description: 'Accepted tokens (hashes).' }),
    tokensFile: z.string().min(1).optional().meta({
      description: 'A YAML file with more tokens in the same form, read at start (each agent may have its own).',
    }),
    tls: z
      .strictObject({
        cert: z.string().min(1).meta({ description: 'PEM certificate chain file.' }),
        key: z.string().min(1).meta({ description: 'PEM private key file.' }),
      })
      .optional()
      .meta({ description: 'Serve HTTPS instead of HTTP.' }),
    publicMetrics: z.boolean().default(false).meta({
      description: 'Serve /metrics without a token (for scrapers that cannot send one). Off by default.',
    }),
  })
  .meta({ description: 'Agent HTTP API access.' });
