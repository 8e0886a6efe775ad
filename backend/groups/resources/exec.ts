/**
 * exec resources: the operator's start and stop commands, run with /bin/sh -c.
 *
 * A start command commonly launches a daemon and returns, and that daemon inherits
 * whatever the shell had. So the command runs in its own process group with stdin from
 * /dev/null, completion is the shell's exit (not the closing of its output pipes, which a
 * daemon keeps open), and the pipes are let go right after the exit. Only on timeout is
 * the whole process group killed: TERM first, KILL after a grace period, because a stuck
 * stop script's children are exactly what must not survive into a failover. A resource
 * with a `user` runs as that user, who cannot read the agent's environment or secrets.
 */
import { spawn } from 'node:child_process';
import type { Resource } from '../../config/model';
import { monotonicNow } from '../../time/clock';
import type { ScriptUser } from './script-users';
import type { ActionContext, ActionResult, ResourceAction, ResourceDriver } from './types';

type ExecResource = Extract<Resource, { type: 'exec' }>;

/** Output kept per run (the tail: an error is usually at the end). */
const KEEP_BYTES = 4096;
export const KILL_GRACE_MS = 2000;

export interface ExecDriverOptions {
  /** The environment scripts start from: the agent's own, minus its secrets. */
  baseEnv: NodeJS.ProcessEnv;
  /** Resolved `user` of the resources that have one (script-users.ts). */
  users?: Map<string, ScriptUser>;
  /** Called with each script's PID (tests use it to find leftovers). */
  onSpawn?: (pid: number) => void;
}

export class ExecDriver implements ResourceDriver<ExecResource> {
  constructor(private readonly options: ExecDriverOptions) {}

  run(resource: ExecResource, action: ResourceAction, ctx: ActionContext): Promise<ActionResult> {
    const command = action === 'start' ? resource.start : resource.stop;
    const user = resource.user === undefined ? undefined : this.options.users?.get(resource.user);
    if (resource.user !== undefined && !user) {
      return Promise.resolve({ ok: false, detail: `user ${resource.user} was not resolved at start`, durationMs: 0 });
    }
    const env: NodeJS.ProcessEnv = {
      ...this.options.baseEnv,
      ...(user ? { HOME: user.home, USER: user.name, LOGNAME: user.name } : {}),
      ...resource.env,
      LIFELINE_GROUP: ctx.group,
      LIFELINE_RESOURCE: resource.name,
      LIFELINE_SERVER: ctx.server,
      LIFELINE_ACTION: action,
      LIFELINE_EVENT: ctx.event,
      ...(ctx.from ? { LIFELINE_FROM: ctx.from } : {}),
    };
    return runScript(command, env, resource.timeoutMs, user, this.options.onSpawn);
  }
}

function runScript(
  command: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  user: ScriptUser | undefined,
  onSpawn?: (pid: number) => void
): Promise<ActionResult> {
  // A real process on the real clock: the deadline and the kill timers are the kernel's business,
  // not a decision a simulation replays (the simulation has its own resource drivers).
  const t0 = monotonicNow();
  return new Promise((resolve) => {
    let tail = Buffer.alloc(0);
    const keep = (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > KEEP_BYTES) {
        tail = tail.subarray(tail.length - KEEP_BYTES);
      }
    };
    // With uid/gid, libuv also drops the supplementary groups (setgroups) before the exec.
    const child = spawn('/bin/sh', ['-c', command], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // The group is already gone.
      }
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      // Left to run after the shell exits: the group's other members may ignore TERM.
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    }, timeoutMs);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const finish = (result: Omit<ActionResult, 'durationMs'>) => {
      clearTimeout(deadline);
      resolve({ ...result, durationMs: monotonicNow() - t0 });
    };
    child.on('error', (e) => {
      if (child.pid === undefined) {
        finish({ ok: false, detail: `cannot run /bin/sh: ${e.message}` });
      }
    });
    child.on('exit', (code, signal) => {
      // A daemon started by the script may hold the pipes open for its lifetime; what it
      // printed after the script ended is not the script's output.
      setImmediate(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        const output = tail.toString('utf8').trim().split('\n').slice(-3).join(' | ');
        const said = output ? `: ${output}` : '';
        if (timedOut) {
          finish({ ok: false, detail: `timed out after ${timeoutMs} ms (process group killed)${said}` });
        } else if (code === 0) {
          finish({ ok: true, detail: `exit 0${said}` });
        } else {
          finish({ ok: false, detail: `${signal ? `killed by ${signal}` : `exit ${code}`}${said}` });
        }
      });
    });
    if (child.pid !== undefined) {
      onSpawn?.(child.pid);
    }
  });
}
