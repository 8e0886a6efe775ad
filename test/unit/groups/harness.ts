// An in-memory cluster for the group logic: every "agent" has its own LocalGroups and
// GroupOperations; steps between agents are direct calls; peers' held groups are read
// from the other agents as heartbeats would announce them. Resources are scripted: they
// record where each one is active, so a double activation is visible as a fact, not an
// inference.
import type { ClusterConfig, Resource } from '../../../backend/config/model';
import { LocalGroups, type Drivers } from '../../../backend/groups/local-groups';
import { EpochBook, nextEpoch } from '../../../backend/groups/claims';
import { refusalStatus } from '../../../backend/api/refusals';
import { GroupOperations, OperationError } from '../../../backend/groups/operations';
import { systemClock } from '../../../backend/time/clock';
import type { PlacementInput } from '../../../backend/groups/placement';
import type { ActionResult } from '../../../backend/groups/resources/types';
import type { ServerState } from '../../../backend/membership';

export type Script = (server: string, resource: string, action: 'start' | 'stop') => ActionResult | undefined;

export interface SimAgent {
  name: string;
  local: LocalGroups;
  ops: GroupOperations;
}

export class GroupSim {
  /** `${server}/${resource}` of every active resource. */
  readonly active = new Set<string>();
  readonly states = new Map<string, ServerState>();
  readonly agents = new Map<string, SimAgent>();
  script: Script = () => undefined;
  blocked: string | null = null;
  readonly log: string[] = [];

  constructor(readonly config: Pick<ClusterConfig, 'servers' | 'groups'>) {
    for (const s of config.servers) {
      this.states.set(s.name, 'online');
      const drivers = this.drivers(s.name);
      const local = new LocalGroups(config.groups, s.name, drivers, () => 0);
      const epochs = new EpochBook();
      const position = config.servers.indexOf(s);
      const ops = new GroupOperations({
        self: s.name,
        clock: systemClock,
        grant: (group) => {
          const e = nextEpoch(epochs.known(group), position);
          epochs.see(group, e);
          return e;
        },
        takeClaim: (group, epoch) => {
          if (epoch !== undefined && epoch < epochs.known(group)) {
            return `stale claim ${epoch}`;
          }
          epochs.see(group, epoch ?? 0);
          return null;
        },
        config: () => config,
        placement: () => this.placement(s.name),
        local,
        peers: {
          step: async (server, group, action, request) => {
            if (this.states.get(server) !== 'online') {
              return undefined;
            }
            const peer = this.agents.get(server)!;
            try {
              const result =
                action === 'start' ? await peer.ops.startHere(group, request) : await peer.ops.stopHere(group, request);
              return { status: 200, result };
            } catch (e) {
              if (e instanceof OperationError) {
                return { status: refusalStatus(e.kind), error: e.message };
              }
              throw e;
            }
          },
        },
        startBlocked: () => this.blocked,
      });
      this.agents.set(s.name, { name: s.name, local, ops });
    }
  }

  agent(name: string): SimAgent {
    return this.agents.get(name)!;
  }

  /** What `self` knows: its own groups, and each peer's state and announced holdings. */
  placement(self: string): PlacementInput {
    return {
      config: this.config,
      self,
      local: this.agent(self).local.list(),
      peers: this.config.servers
        .filter((s) => s.name !== self)
        .map((s) => ({ server: s.name, state: this.states.get(s.name)!, holds: this.agent(s.name).local.held() })),
    };
  }

  /** Servers on which any resource of `group` is active. */
  activeOn(group: string): string[] {
    const names = new Set(this.config.groups.find((g) => g.name === group)!.resources.map((r) => r.name));
    return [...new Set([...this.active].filter((k) => names.has(k.split('/')[1])).map((k) => k.split('/')[0]))];
  }

  private drivers(server: string): Drivers {
    const run = async (r: Resource, action: 'start' | 'stop'): Promise<ActionResult> => {
      await Promise.resolve();
      this.log.push(`${server} ${action} ${r.name}`);
      const scripted = this.script(server, r.name, action);
      const result = scripted ?? { ok: true, detail: 'exit 0', durationMs: 1 };
      if (result.ok) {
        if (action === 'start') {
          this.active.add(`${server}/${r.name}`);
        } else {
          this.active.delete(`${server}/${r.name}`);
        }
      }
      return result;
    };
    return { exec: { run: (r, a) => run(r, a) }, 'floating-ip': { run: (r, a) => run(r, a) } };
  }
}

export function groupConfig(servers = 3): Pick<ClusterConfig, 'servers' | 'groups'> {
  const names = Array.from({ length: servers }, (_, i) => `server${i + 1}`);
  const exec = (name: string, dependsOn: string[] = []): Resource => ({
    name,
    type: 'exec',
    start: 'true',
    stop: 'true',
    env: {},
    timeoutMs: 1000,
    dependsOn,
  });
  return {
    servers: names.map((name) => ({ name, api: { address: '127.0.0.1', port: 1 } })),
    groups: [
      {
        name: 'web',
        autoStart: true,
        autoFailback: false,
        // Listed out of order on purpose: `app` depends on `ip` and `data`.
        resources: [exec('app', ['ip', 'data']), exec('ip'), exec('data')],
      },
      {
        name: 'db',
        startupServers: ['server2', 'server1'],
        autoStart: false,
        autoFailback: false,
        resources: [exec('db-app')],
      },
    ],
  };
}
