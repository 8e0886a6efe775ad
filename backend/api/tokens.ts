/**
 * Bearer tokens. Only SHA-256 hashes are stored (configuration or token file); a
 * presented token is hashed and compared with every stored hash in constant time, so
 * neither the tokens nor their number leak through timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { load } from 'js-yaml';
import { z } from 'zod';
import { formatProblem, isReservedTokenName, problemsFromZod, ROLES, type Role } from '../config/model';
import { apiToken } from '../config/model/api';

export interface TokenEntry {
  name: string;
  role: Role;
  sha256: string;
}

/**
 * Who made a request: the holder of a configured token, or another agent of the cluster
 * (the peer token, peer-token.ts). Only the latter may call the agent-to-agent endpoints.
 */
export type Principal = { kind: 'token'; name: string; role: Role } | { kind: 'peer'; name: string; role: 'admin' };

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token (256 bits, URL-safe) and the line to store for it. */
export function createToken(name: string, role: Role): { token: string; entry: TokenEntry } {
  const token = `llt_${randomBytes(32).toString('base64url')}`;
  return { token, entry: { name, role, sha256: hashToken(token) } };
}

export function readTokenFile(file: string): TokenEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read token file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const parsed = z.array(apiToken).safeParse(load(text) ?? []);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error).map(formatProblem);
    throw new Error(`token file ${file}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export class TokenStore {
  private entries: Array<TokenEntry & { digest: Buffer }> = [];

  constructor(entries: TokenEntry[]) {
    this.replace(entries);
  }

  /** A new configuration revision's tokens: effective for the next request. */
  replace(entries: TokenEntry[]): void {
    // The schema refuses these names already; a store built some other way must not either.
    const reserved = entries.find((e) => isReservedTokenName(e.name));
    if (reserved) {
      throw new Error(`token name "${reserved.name}" is reserved for the agents of the cluster`);
    }
    this.entries = entries.map((e) => ({ ...e, digest: Buffer.from(e.sha256, 'hex') }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The holder of a presented token, or undefined. Examines every entry whatever matches. */
  authenticate(token: string): Principal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: TokenEntry | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(digest, e.digest) && found === undefined) {
        found = e;
      }
    }
    return found && { kind: 'token', name: found.name, role: found.role };
  }
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
