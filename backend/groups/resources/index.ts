// Group resource drivers, one per resource type of the configuration.
import type { Drivers } from '../local-groups';
import { ExecDriver } from './exec';
import { FloatingIpDriver } from './floating-ip';

export type { ActionContext, ActionResult, GroupEvent, ResourceAction, ResourceDriver } from './types';

/** The real drivers; `baseEnv` is what scripts start from (the agent's environment without its secrets). */
export function createDrivers(baseEnv: NodeJS.ProcessEnv): Drivers {
  return { exec: new ExecDriver({ baseEnv }), 'floating-ip': new FloatingIpDriver() };
}
