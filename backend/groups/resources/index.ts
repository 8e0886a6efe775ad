// Group resource drivers, one per resource type of the configuration.
import type { Drivers } from '../local-groups';
import { ExecDriver } from './exec';
import { FloatingIpDriver } from './floating-ip';
import type { ScriptUser } from './script-users';

export type { ActionContext, ActionResult, GroupEvent, ResourceAction, ResourceDriver } from './types';

/**
 * The real drivers; `baseEnv` is what scripts start from (the agent's environment without
 * its secrets), `users` the resolved script users (script-users.ts).
 */
export function createDrivers(baseEnv: NodeJS.ProcessEnv, users?: Map<string, ScriptUser>): Drivers {
  return { exec: new ExecDriver({ baseEnv, users }), 'floating-ip': new FloatingIpDriver() };
}
