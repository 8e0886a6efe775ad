/**
 * What an operation will do, in words, for the confirmation: an operator confirms an
 * outage of the service, not a click. Pure, so the wording is tested.
 */
import type { StatusGroupAnswer, StatusServerAnswer } from '../../../backend/api/answers';
import type { GroupOp } from '../../api/operations';

export function impactOf(op: GroupOp, g: StatusGroupAnswer, target: string | undefined, resources: string[]): string[] {
  const what = resources.length > 0 ? `its resources (${resources.join(', ')})` : 'its resources';
  const here = g.currentServer;
  switch (op) {
    case 'start':
      return [
        `Starts ${g.name} on ${target ?? 'its first startup server that is up'} (${what}, in dependency order).`,
        here ? `It runs on ${here} now: the agent refuses to start it twice.` : 'It runs nowhere now.',
        'If a resource fails to start, every resource it started is stopped again.',
      ];
    case 'stop':
      return [
        here
          ? `Stops ${g.name} on ${here}: ${what} stop in reverse order and its clients lose the service.`
          : `Stops ${g.name} wherever it is held.`,
        'It stays stopped (no automatic start, no failover) until someone starts it or an agent restarts.',
      ];
    case 'move':
      return [
        `Stops ${g.name} on ${here ?? 'the server holding it'}, waits until that server announces the release, then starts it on ${target ?? 'the next startup server'}.`,
        'The service is down in between (usually seconds; a floating IP adds about 3 s).',
        `If it cannot start there, the next startup servers are tried, and last ${here ?? 'the server it came from'}.`,
      ];
  }
}

/** Move targets: the startup servers in startup order, without the current one, each with its state. */
export function moveTargets(
  g: StatusGroupAnswer,
  servers: readonly StatusServerAnswer[]
): Array<{ name: string; state: string }> {
  return g.startupServers
    .filter((s) => s !== g.currentServer)
    .map((name) => ({ name, state: servers.find((s) => s.name === name)?.state ?? 'unknown' }));
}
