/**
 * Prometheus metrics of this server's groups. Labels come from bounded sets: group and
 * resource names from the configuration, the fixed lists of states, actions and results.
 * Each agent reports its own groups; summed over instances they give the cluster view
 * (a group online on two instances at once is the conflict alerts look for).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { registerComputed } from '../metrics';
import { LOCAL_GROUP_STATES, type LocalGroupState, type ResourceOutcome } from './local-groups';

export class GroupMetrics {
  private readonly actions: Counter<'group' | 'resource' | 'action' | 'result'>;
  private readonly duration: Histogram<'type' | 'action'>;

  /** `groups`: this server's groups as they are now (read at each scrape). */
  constructor(registry: Registry, groups: () => Array<{ group: string; state: LocalGroupState }>) {
    const registers = [registry];
    registerComputed(registry, {
      name: 'lifeline_group_state',
      help: 'State of each failover group on this server (1 for the current state, 0 for the others).',
      type: 'gauge',
      samples: () =>
        groups().flatMap((g) =>
          LOCAL_GROUP_STATES.map((state) => ({ labels: { group: g.group, state }, value: g.state === state ? 1 : 0 }))
        ),
    });
    this.actions = new Counter({
      name: 'lifeline_resource_actions_total',
      help: 'Group resource start/stop actions run on this server, by result.',
      labelNames: ['group', 'resource', 'action', 'result'],
      registers,
    });
    this.duration = new Histogram({
      name: 'lifeline_resource_action_duration_seconds',
      help: 'How long group resource start/stop actions took, by resource type.',
      labelNames: ['type', 'action'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
  }

  readonly onResource = (o: ResourceOutcome) => {
    this.actions.labels(o.group, o.resource, o.action, o.result.ok ? 'success' : 'failure').inc();
    this.duration.labels(o.type, o.action).observe(o.result.durationMs / 1000);
  };
}
