/**
 * Access to the agents' HTTP API: bearer tokens with roles, stored as SHA-256 hashes
 * (here or in a token file), and optional TLS.
 */
import { z } from 'zod';
import { count, name } from './primitives';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The name agents use for each other (the peer token derived from the cluster secret). */
export const PEER_PRINCIPAL = 'peer';
/**
 * Token names no configured token may take: log lines, event sources and audits say who
 * acted by name, and "peer" must always mean an agent of this cluster, never a person.
 */
export const RESERVED_TOKEN_NAMES: readonly string[] = [PEER_PRINCIPAL];

export function isReservedTokenName(s: string): boolean {
  return RESERVED_TOKEN_NAMES.includes(s.toLowerCase());
}

/** The most `api.maxEventStreams` may be (listeners on the event log are sized for it). */
export const MAX_EVENT_STREAMS_LIMIT = 10_000;

export const apiToken = z.strictObject({
  name: name
    .refine((s) => !isReservedTokenName(s), {
      error: (iss) =>
        `"${String(iss.input)}" is reserved for the agents of the cluster (the peer token); give the token another name`,
    })
    .meta({ description: 'Who holds the token (shown in logs and the event log, never the token); not `peer`.' }),
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
    maxEventStreams: count(
      1,
      MAX_EVENT_STREAMS_LIMIT,
      'Open `GET /events/stream` connections at most; more are refused (503).'
    ).default(100),
    publicMetrics: z.boolean().default(false).meta({
      description: 'Serve /metrics without a token (for scrapers that cannot send one). Off by default.',
    }),
  })
  .meta({ description: 'Agent HTTP API access.' });
