import { spawnSync } from 'node:child_process';
import { CLI } from './paths';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `lifeline` command, as an operator would. */
export function lifeline(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    input: options.input,
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `lifeline trap send`: a PET (default 880385, drive slot: drive fault) from a BMC address. */
export function sendPet(to: string, from: string, specific = '880385'): CliResult {
  return lifeline(['trap', 'send', '--to', to, '--from', from, '--specific', specific]);
}
