import fs from 'node:fs';
import path from 'node:path';
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
  if (ref.credential !== undefined) {
    // systemd (LoadCredential=, SetCredentialEncrypted=) puts credentials in a directory only
    // the service can read, and names it in $CREDENTIALS_DIRECTORY.
    const dir = env.CREDENTIALS_DIRECTORY;
    if (!dir) {
      throw new Error(
        `credential ${ref.credential}: CREDENTIALS_DIRECTORY is not set (give the unit LoadCredential=${ref.credential}:PATH)`
      );
    }
    return readSecretFile(path.join(dir, ref.credential), `credential ${ref.credential}`);
  }
  return readSecretFile(ref.file!, 'secret file');
}

function readSecretFile(file: string, what: string): string {
  let value: string;
  try {
    value = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new Error(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (value === '') {
    throw new Error(`${what} ${file} is empty`);
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
  const names = new Set([
    ...secretRefs(config).flatMap((r) => (r.env === undefined ? [] : [r.env])),
    // Where systemd keeps the agent's credentials: a script has no business there either.
    'CREDENTIALS_DIRECTORY',
  ]);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !names.has(k)));
}
