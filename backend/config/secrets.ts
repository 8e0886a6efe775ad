import fs from 'node:fs';
import type { ClusterConfig, SecretRef } from './model';

/**
 * Reads a secret from where the configuration says it lives. The error names the
 * reference (file path or variable name), never the value.
 */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.env !== undefined) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new Error(`environment variable ${ref.env} is not set`);
    }
    return value;
  }
  let value: string;
  try {
    value = fs.readFileSync(ref.file!, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new Error(`cannot read secret file ${ref.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (value === '') {
    throw new Error(`secret file ${ref.file} is empty`);
  }
  return value;
}

/** Every secret reference in a configuration (cluster key, BMC passwords, SNMPv3 keys). */
export function secretRefs(config: ClusterConfig): SecretRef[] {
  return [
    config.cluster.secret,
    ...config.servers.flatMap((s) => (s.bmc ? [s.bmc.password] : [])),
    ...config.traps.users.flatMap((u) => (u.privKey ? [u.authKey, u.privKey] : [u.authKey])),
  ];
}

/**
 * The environment for programs the agent runs on the operator's behalf (resource scripts):
 * its own, without the variables that hold its secrets. A script has no business with
 * the cluster key or a BMC password, and scripts log their environment more often than not.
 */
export function withoutSecrets(config: ClusterConfig, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const names = new Set(secretRefs(config).flatMap((r) => (r.env === undefined ? [] : [r.env])));
  return Object.fromEntries(Object.entries(env).filter(([k]) => !names.has(k)));
}
