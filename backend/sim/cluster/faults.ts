/**
 * The faults the simulation injects, each one a thing that happens to real clusters, and
 * how each is healed. Operator requests are "faults" too: concurrent requests through
 * different agents are where a per-agent lock used to let a group start twice.
 */
import type { GroupRequest } from '../../controller/request';
import type { Outcome } from '../../groups/operations';
import type { World } from './world';

export type Fault =
  | { kind: 'kill'; host: string } // SIGKILL of the agent: its daemons keep running
  | { kind: 'power-off'; host: string }
  | { kind: 'pause'; host: string; ms: number } // SIGSTOP, SIGCONT after ms
  | { kind: 'stop-agent'; host: string } // systemctl stop: clean leave
  | { kind: 'cut-link'; interconnect: number; a: string; b: string }
  | { kind: 'one-way'; interconnect: number; from: string; to: string }
  | { kind: 'loss'; interconnect: number; from: string; to: string; p: number }
  | { kind: 'partition'; side: string[] } // the side is cut from the rest on every LAN
  | { kind: 'bmc-down'; host: string }
  | { kind: 'fence-fails'; host: string }
  | { kind: 'fail-start'; host: string; group: string }
  | { kind: 'fail-stop'; host: string; group: string }
  | { kind: 'slow'; host: string; factor: number }
  | { kind: 'requests'; requests: Array<{ via: string; request: GroupRequest }> }
  // A configuration revision applied live on every agent, each at its own moment within
  // skewMs (the two-phase commit reaching them one by one; down or paused agents take it
  // when they run again): the groups in `without` removed, those in `longer` with 3x the
  // resource timeouts (their scripts run longer too). The heal applies the initial one again.
  | { kind: 'revision'; without: string[]; longer: string[]; skewMs: number };

export interface RequestRecord {
  at: number;
  /** When its answer came (concurrent requests take effect in that order). */
  doneAt?: number;
  via: string;
  request: GroupRequest;
  outcome?: Outcome;
  error?: string;
}

export function describe(f: Fault): string {
  const { kind, ...rest } = f;
  return `${kind} ${JSON.stringify(rest)}`;
}

/** Applies a fault now. */
export function inject(world: World, f: Fault, requests: RequestRecord[]): void {
  world.note('fault', describe(f));
  const lan = world.net.lanIndexes();
  switch (f.kind) {
    case 'kill':
      world.host(f.host).killAgent();
      return;
    case 'power-off':
      world.host(f.host).powerOff();
      return;
    case 'pause': {
      const h = world.host(f.host);
      h.clock.pause();
      world.clock.setTimer(f.ms, () => h.clock.resume());
      return;
    }
    case 'stop-agent':
      void world.host(f.host).stopAgent();
      return;
    case 'cut-link':
      world.net.setLink(f.interconnect, f.a, f.b, false);
      return;
    case 'one-way':
      world.net.setOneWay(f.interconnect, f.from, f.to, false);
      return;
    case 'loss':
      world.net.setLoss(f.interconnect, f.from, f.to, f.p);
      return;
    case 'partition':
      for (const a of f.side) {
        for (const b of world.config.servers.map((s) => s.name).filter((s) => !f.side.includes(s))) {
          for (const ic of lan) {
            world.net.setLink(ic, a, b, false);
          }
        }
      }
      return;
    case 'bmc-down':
      world.host(f.host).bmcReachable = false;
      return;
    case 'fence-fails':
      world.host(f.host).fenceFails = true;
      return;
    case 'fail-start':
      world.host(f.host).faults.failStart.add(f.group);
      return;
    case 'fail-stop':
      world.host(f.host).faults.failStop.add(f.group);
      return;
    case 'slow':
      world.host(f.host).faults.slow = f.factor;
      return;
    case 'revision': {
      const next = {
        ...world.config,
        groups: world.config.groups
          .filter((g) => !f.without.includes(g.name))
          .map((g) =>
            f.longer.includes(g.name)
              ? {
                  ...g,
                  resources: g.resources.map((r) => (r.type === 'exec' ? { ...r, timeoutMs: r.timeoutMs * 3 } : r)),
                }
              : g
          ),
      };
      const number = ++world.revisions;
      // A request made while the revision reaches the agents (a second after the last one, to
      // let a forwarded request land) may be carried out before or after the removal there:
      // either way its word is forgotten with the group.
      for (const g of f.without) {
        const from = world.clock.now();
        world.removals.push({ group: g, from, until: from + f.skewMs + 1000 });
      }
      for (const h of world.allHosts()) {
        world.clock.setTimer(Math.floor(world.rand() * f.skewMs), () => h.receiveRevision(next, number));
      }
      return;
    }
    case 'requests':
      for (const r of f.requests) {
        const record: RequestRecord = { at: world.clock.now(), via: r.via, request: r.request };
        requests.push(record);
        const host = world.host(r.via);
        const c = host.controller;
        if (!c) {
          record.error = `the agent on ${r.via} is not running`;
          continue;
        }
        // As the API does: the request runs on that agent (later, if it is paused).
        host.clock.deliver(() =>
          c.request(r.request).then(
            (o) => {
              record.outcome = o;
              record.doneAt = world.clock.now();
            },
            (e: Error) => {
              record.error = e.message;
              record.doneAt = world.clock.now();
            }
          )
        );
      }
      return;
  }
}

/** Heals everything: links, BMCs, scripts; powers hosts on and restarts killed agents. */
export function healAll(world: World): void {
  world.note('fault', 'heal all');
  const initial = ++world.revisions;
  world.net.healAll();
  for (const h of world.allHosts()) {
    h.bmcReachable = true;
    h.fenceFails = false;
    h.faults.failStart.clear();
    h.faults.failStop.clear();
    h.faults.slow = 1;
    if (h.clock.isPaused()) {
      h.clock.resume();
    }
    h.receiveRevision(world.config, initial); // the initial configuration, as a new revision
    if (h.power === 'off') {
      h.powerOn();
    } else if (h.stopping) {
      h.startAfterStop = true; // systemctl start once the stop is done
    } else if (!h.agentUp) {
      h.boot();
    }
  }
}
