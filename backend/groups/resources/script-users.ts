/**
 * The users resource scripts run as (groups[].resources[].user). Looked up once at start in
 * the system's user database through getent (so NSS sources such as LDAP count too), and
 * checked against what the agent may do: only root, or a process with CAP_SETUID and
 * CAP_SETGID, can start a program as someone else. Problems name the configuration path.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { ClusterConfig } from '../../config/model';

export interface ScriptUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function lookupUser(name: string): ScriptUser | undefined {
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', name], { encoding: 'utf8', timeout: 5000 }).split('\n')[0];
  } catch {
    return undefined; // getent exits 2 for an unknown name
  }
  const [user, , uid, gid, , home] = line.split(':');
  if (user !== name || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) {
    return undefined;
  }
  return { name, uid: Number(uid), gid: Number(gid), home: home || '/' };
}

/** CAP_SETUID (7) and CAP_SETGID (6) in the effective set. */
function maySwitchUser(): boolean {
  if (process.getuid?.() === 0) {
    return true;
  }
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const caps = m ? BigInt(`0x${m[1]}`) : 0n;
  return (caps & (1n << 7n)) !== 0n && (caps & (1n << 6n)) !== 0n;
}

/** Every configured script user, resolved; throws one message listing every problem. */
export function resolveScriptUsers(config: ClusterConfig): Map<string, ScriptUser> {
  const users = new Map<string, ScriptUser>();
  const problems: string[] = [];
  config.groups.forEach((g, gi) =>
    g.resources.forEach((r, ri) => {
      if (r.type !== 'exec' || r.user === undefined || users.has(r.user)) {
        return;
      }
      const at = `groups[${gi}].resources[${ri}].user`;
      const found = lookupUser(r.user);
      if (!found) {
        problems.push(`${at}: there is no user "${r.user}" on this server`);
      } else if (found.uid !== process.getuid?.() && !maySwitchUser()) {
        problems.push(
          `${at}: the agent runs as uid ${process.getuid?.()} and cannot run scripts as ${r.user} (it needs root, or CAP_SETUID and CAP_SETGID)`
        );
      } else {
        users.set(r.user, found);
      }
    })
  );
  if (problems.length > 0) {
    throw new Error(problems.join('\n  '));
  }
  return users;
}
