/**
 * Building blocks shared by every part of the cluster configuration.
 *
 * This folder (backend/config/model) is pure: zod and plain TypeScript only, no Node APIs,
 * because the Grafana plugin bundles it to validate the very same configuration in the
 * browser that the agent and the CLI validate on the server.
 */
import { z } from 'zod';

/** Names of servers, groups, resources, monitors: safe in file names, metric labels and URLs. */
export const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
    error: 'must be 1-63 characters of letters, digits, "_", "-" or ".", starting with a letter or digit',
  })
  .meta({ description: 'Identifier: letters, digits, `_`, `-`, `.`; at most 63 characters.' });

export const port = z
  .int({ error: 'must be a whole number' })
  .min(1, { error: (iss) => `port ${String(iss.input)} is out of range 1-65535` })
  .max(65535, { error: (iss) => `port ${String(iss.input)} is out of range 1-65535` });

/** A duration in milliseconds, bounded so that a typo (an extra zero or three) is caught. */
export function millis(min: number, max: number, description: string) {
  const range = `${min}-${max} ms`;
  return z
    .int({ error: 'must be a whole number of milliseconds' })
    .min(min, { error: (iss) => `${String(iss.input)} ms is out of range ${range}` })
    .max(max, { error: (iss) => `${String(iss.input)} ms is out of range ${range}` })
    .meta({ description });
}

export function count(min: number, max: number, description: string) {
  return z
    .int({ error: 'must be a whole number' })
    .min(min, { error: (iss) => `${String(iss.input)} is out of range ${min}-${max}` })
    .max(max, { error: (iss) => `${String(iss.input)} is out of range ${min}-${max}` })
    .meta({ description });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX16 = /^[0-9a-fA-F]{1,4}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** RFC 4291 text forms, including `::` compression and a trailing dotted IPv4 part. */
export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45 || s.split('::').length > 2) {
    return false;
  }
  let groups = s.split(':');
  const last = groups[groups.length - 1];
  let width = 8;
  if (last.includes('.')) {
    if (!isIPv4(last)) {
      return false;
    }
    groups = groups.slice(0, -1);
    width = 6;
  }
  const compressed = s.includes('::');
  const parts = groups.filter((g, i) => !(g === '' && (compressed || i === 0 || i === groups.length - 1)));
  if (parts.some((g) => !HEX16.test(g))) {
    return false;
  }
  return compressed ? parts.length < width : parts.length === width;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

export const ipAddress = z
  .string()
  .refine(isIP, { error: (iss) => `"${String(iss.input)}" is not an IPv4 or IPv6 address` })
  .meta({ description: 'An IPv4 or IPv6 address.' });

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const host = z
  .string()
  .refine((s) => isIP(s) || HOSTNAME.test(s), {
    error: (iss) => `"${String(iss.input)}" is not an IP address or host name`,
  })
  .meta({ description: 'An IP address or a DNS host name.' });

/**
 * Where a secret lives. Secrets are never written inline in the configuration: the
 * configuration is replicated to every server, shown in Grafana and kept in history.
 */
export const secretRef = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Path of a file holding the secret (trailing newline ignored).' }),
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })
      .optional()
      .meta({
        description:
          'Name of an environment variable holding the secret (it stays readable in /proc/PID/environ for processes of the same user: prefer file or credential).',
      }),
    credential: z
      .string()
      .regex(/^(?!\.\.?$)[A-Za-z0-9_.-]{1,255}$/, {
        error: 'must be a systemd credential name (letters, digits, "_", "-", ".")',
      })
      .optional()
      .meta({
        description:
          'Name of a systemd credential (`LoadCredential=NAME:PATH` in the unit), read from `$CREDENTIALS_DIRECTORY/NAME`.',
      }),
  })
  .refine((r) => [r.file, r.env, r.credential].filter((x) => x !== undefined).length === 1, {
    error: 'give exactly one of "file", "env" or "credential" (secrets are never written inline)',
  })
  .meta({ description: 'Reference to a secret: `{file: PATH}`, `{credential: NAME}` or `{env: NAME}`.' });

export type SecretRef = z.infer<typeof secretRef>;

/** An endpoint written `ADDRESS[:PORT]`, IPv6 in brackets when a port follows (`[::1]:162`). */
export interface Endpoint {
  address: string;
  port: number;
}

export type EndpointParse = { ok: true; value: Endpoint } | { ok: false; error: string };

export function parseEndpoint(text: string, defaultPort: number): EndpointParse {
  let address = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) {
      return { ok: false, error: `"${text}" has "[" without "]"` };
    }
    address = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) {
        return { ok: false, error: `"${text}" must be [IPv6]:PORT` };
      }
      portText = rest.slice(1);
    }
    if (!isIPv6(address)) {
      return { ok: false, error: `"${address}" is not an IPv6 address` };
    }
  } else if (text.split(':').length === 2) {
    [address, portText] = text.split(':');
    if (!isIPv4(address)) {
      return { ok: false, error: `"${address}" is not an IPv4 address (write IPv6 with a port as [ADDRESS]:PORT)` };
    }
  } else if (!isIP(text)) {
    return { ok: false, error: `"${text}" is not an IP address, expected <IPv4|IPv6>[:port]` };
  }
  if (portText === undefined) {
    return { ok: true, value: { address, port: defaultPort } };
  }
  if (!/^\d{1,10}$/.test(portText)) {
    return { ok: false, error: `port "${portText}" is not a number` };
  }
  const port = Number(portText);
  if (port < 1 || port > 65535) {
    return { ok: false, error: `port ${port} is out of range 1-65535` };
  }
  return { ok: true, value: { address, port } };
}

export function formatEndpoint(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** Byte length as UTF-8, which is how the product counts its 32- and 1023-byte limits. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      n += 1;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else {
      n += 3;
    }
  }
  return n;
}
