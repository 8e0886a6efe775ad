/**
 * Rules that span more than one field: names are unique, references resolve, every
 * route covers every server, BMC features have BMCs, BMCNOTICE keywords are usable.
 * Structural checks live in the zod schema; these run once the structure is sound.
 */
import { BMCNOTICE, DEFAULT_TRAP_PORT, type Monitor } from './monitors';
import { parseEndpoint, type Endpoint, type EndpointParse } from './primitives';
import type { Problem, PathPart } from './problems';
import type { ClusterConfig } from './schema';

export function checkSemantics(config: ClusterConfig): Problem[] {
  const problems: Problem[] = [];
  const report = (path: PathPart[], message: string) => problems.push({ path, message });
  const serverNames = new Set(config.servers.map((s) => s.name));

  uniqueNames(config.servers, ['servers'], report);
  uniqueNames(config.groups, ['groups'], report);
  uniqueNames(config.monitors, ['monitors'], report);
  const resources = new Map<string, { group: string; path: PathPart[] }>();
  config.groups.forEach((g, gi) =>
    g.resources.forEach((r, ri) => {
      const path: PathPart[] = ['groups', gi, 'resources', ri];
      const seen = resources.get(r.name);
      if (seen) {
        report(
          [...path, 'name'],
          `"${r.name}" is already used by ${formatPathShort(seen.path)} (resource names are unique in the cluster)`
        );
      } else {
        resources.set(r.name, { group: g.name, path });
      }
    })
  );

  checkInterconnects(config, serverNames, report);
  checkGroups(config, serverNames, report);
  const listeners: TrapListener[] = [];
  config.monitors.forEach((m, i) => checkMonitor(config, m, i, serverNames, resources, report, listeners));
  checkTrapPorts(listeners, report);
  checkSnmpUsers(config, report);
  uniqueNames(config.api.tokens, ['api', 'tokens'], report);
  return problems;
}

type Report = (path: PathPart[], message: string) => void;

function uniqueNames(items: Array<{ name: string }>, base: PathPart[], report: Report) {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const j = first.get(item.name);
    if (j === undefined) {
      first.set(item.name, i);
    } else {
      report([...base, i, 'name'], `"${item.name}" is already used by ${formatPathShort([...base, j])}`);
    }
  });
}

function formatPathShort(path: PathPart[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function checkInterconnects(config: ClusterConfig, serverNames: Set<string>, report: Report) {
  config.interconnects.forEach((ic, i) => {
    const base: PathPart[] = ['interconnects', i, 'addresses'];
    for (const key of Object.keys(ic.addresses)) {
      if (!serverNames.has(key)) {
        report([...base, key], `no server is named "${key}"`);
      }
    }
    const owner = new Map<string, string>();
    for (const s of config.servers) {
      const address = ic.addresses[s.name];
      if (address === undefined) {
        report(base, `no address for server "${s.name}" (every interconnect must cover every server)`);
        continue;
      }
      const other = owner.get(address);
      if (other !== undefined) {
        report([...base, s.name], `address ${address} is also given to server "${other}" on this interconnect`);
      }
      owner.set(address, s.name);
    }
    if (ic.type === 'bmc') {
      config.servers.forEach((s, si) => {
        if (!s.bmc) {
          report(['servers', si, 'bmc'], `is required: interconnects[${i}] is a bmc interconnect`);
        }
      });
    }
  });
  if (!config.interconnects.some((ic) => ic.type === 'lan')) {
    report(
      ['interconnects'],
      'at least one lan interconnect must reach every server (a BMC route alone cannot carry heartbeats)'
    );
  }
  if (config.fencing.action !== 'none') {
    config.servers.forEach((s, si) => {
      if (!s.bmc) {
        report(['servers', si, 'bmc'], `is required: fencing.action is ${config.fencing.action}`);
      }
    });
  }
}

function checkServerList(list: string[] | undefined, path: PathPart[], serverNames: Set<string>, report: Report) {
  const seen = new Set<string>();
  list?.forEach((n, i) => {
    if (!serverNames.has(n)) {
      report([...path, i], `no server is named "${n}"`);
    } else if (seen.has(n)) {
      report([...path, i], `server "${n}" is listed twice`);
    }
    seen.add(n);
  });
}

function checkGroups(config: ClusterConfig, serverNames: Set<string>, report: Report) {
  config.groups.forEach((g, gi) => {
    checkServerList(g.startupServers, ['groups', gi, 'startupServers'], serverNames, report);
    const index = new Map(g.resources.map((r, ri) => [r.name, ri]));
    g.resources.forEach((r, ri) => {
      r.dependsOn.forEach((d, di) => {
        const path: PathPart[] = ['groups', gi, 'resources', ri, 'dependsOn', di];
        if (d === r.name) {
          report(path, `resource "${r.name}" cannot depend on itself`);
        } else if (!index.has(d)) {
          report(path, `no resource "${d}" in group "${g.name}"`);
        }
      });
    });
    const cycle = findCycle(
      g.resources.map((r) => ({ name: r.name, deps: r.dependsOn.filter((d) => d !== r.name && index.has(d)) }))
    );
    if (cycle) {
      report(['groups', gi, 'resources', index.get(cycle[0])!, 'dependsOn'], `dependency cycle ${cycle.join(' -> ')}`);
    }
  });
}

/** Depth-first search with colours; returns the first cycle as a closed list of names. */
export function findCycle(nodes: Array<{ name: string; deps: string[] }>): string[] | undefined {
  const deps = new Map(nodes.map((n) => [n.name, n.deps]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      if (state.get(d) === 'open') {
        return [...stack.slice(stack.indexOf(d)), d];
      }
      if (!state.has(d)) {
        const c = visit(d);
        if (c) {
          return c;
        }
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of nodes) {
    if (!state.has(n.name)) {
      const c = visit(n.name);
      if (c) {
        return c;
      }
    }
  }
  return undefined;
}

function checkMonitor(
  config: ClusterConfig,
  m: Monitor,
  i: number,
  serverNames: Set<string>,
  resources: Map<string, unknown>,
  report: Report,
  listeners: TrapListener[]
) {
  const base: PathPart[] = ['monitors', i];
  checkServerList(m.servers, [...base, 'servers'], serverNames, report);
  if (m.timing.mode === 'active' && !resources.has(m.timing.resource)) {
    report([...base, 'timing', 'resource'], `no resource is named "${m.timing.resource}"`);
  }
  const r = m.recovery;
  if (r.targetType === 'local-server') {
    if (r.target !== undefined) {
      report([...base, 'recovery', 'target'], 'must be left out when targetType is local-server');
    }
  } else if (r.target === undefined) {
    report([...base, 'recovery', 'target'], `is required when targetType is ${r.targetType}`);
  } else if (r.targetType === 'group' && !config.groups.some((g) => g.name === r.target)) {
    report([...base, 'recovery', 'target'], `no group is named "${r.target}"`);
  } else if (r.targetType === 'resource' && !resources.has(r.target)) {
    report([...base, 'recovery', 'target'], `no resource is named "${r.target}"`);
  }
  if (r.finalAction.startsWith('bmc-')) {
    config.servers.forEach((s, si) => {
      if (!s.bmc) {
        report(['servers', si, 'bmc'], `is required: monitors[${i}].recovery.finalAction is ${r.finalAction}`);
      }
    });
  }
  if (m.type !== 'message-receive') {
    return;
  }
  for (const key of Object.keys(m.perServer)) {
    if (!serverNames.has(key)) {
      report([...base, 'perServer', key], `no server is named "${key}"`);
    }
  }
  if (m.category === BMCNOTICE) {
    checkBmcNotice(config, m, i, report, listeners);
  }
}

/** Keywords repeat across monitors (one per server); parse each text once. */
const keywordCache = new Map<string, EndpointParse>();
function parseKeyword(text: string): EndpointParse {
  let parsed = keywordCache.get(text);
  if (parsed === undefined) {
    parsed = parseEndpoint(text, DEFAULT_TRAP_PORT);
    if (keywordCache.size > 10_000) {
      keywordCache.clear();
    }
    keywordCache.set(text, parsed);
  }
  return parsed;
}

/** Where one BMCNOTICE monitor listens on one server, and the path that says so. */
interface TrapListener {
  server: string;
  monitor: number;
  endpoint: Endpoint;
  path: PathPart[];
}

function checkBmcNotice(
  config: ClusterConfig,
  m: Extract<Monitor, { type: 'message-receive' }>,
  index: number,
  report: Report,
  listeners: TrapListener[]
) {
  const base: PathPart[] = ['monitors', index];
  const common = m.keyword === undefined ? undefined : parseKeyword(m.keyword);
  if (common && !common.ok) {
    report([...base, 'keyword'], common.error);
  }
  const owner = new Map<string, string>();
  for (const s of monitoredServers(config, m)) {
    const own = m.perServer[s]?.keyword;
    const path: PathPart[] = own !== undefined ? [...base, 'perServer', s, 'keyword'] : [...base, 'keyword'];
    const parsed = own !== undefined ? parseKeyword(own) : common;
    if (parsed === undefined) {
      report(path, `is required for category ${BMCNOTICE}: server "${s}" has no per-server keyword`);
      continue;
    }
    if (!parsed.ok) {
      if (own !== undefined) {
        report(path, parsed.error);
      }
      continue;
    }
    const key = `${parsed.value.address}|${parsed.value.port}`;
    const other = owner.get(key);
    if (other !== undefined) {
      report(
        path,
        `servers "${other}" and "${s}" would both receive traps on ${own ?? m.keyword}; keywords must be unique per server`
      );
    }
    owner.set(key, s);
    listeners.push({ server: s, monitor: index, endpoint: parsed.value, path });
  }
}

/** Servers on which a monitor runs: its `servers` list or every server. */
export function monitoredServers(config: ClusterConfig, m: Monitor): string[] {
  return m.servers ?? config.servers.map((s) => s.name);
}

/** Where a BMCNOTICE monitor listens on a server: its per-server keyword, else the common one. */
export function trapEndpoint(m: Extract<Monitor, { type: 'message-receive' }>, server: string): Endpoint | undefined {
  const text = m.perServer[server]?.keyword ?? m.keyword;
  if (text === undefined) {
    return undefined;
  }
  const parsed = parseEndpoint(text, DEFAULT_TRAP_PORT);
  return parsed.ok ? parsed.value : undefined;
}

/** The product's rule: one server receives all its BMC traps on one port. */
function checkTrapPorts(listeners: TrapListener[], report: Report) {
  const first = new Map<string, TrapListener>();
  for (const l of listeners) {
    const f = first.get(l.server);
    if (!f) {
      first.set(l.server, l);
    } else if (f.endpoint.port !== l.endpoint.port) {
      report(
        l.path,
        `server "${l.server}" receives traps on port ${f.endpoint.port} (monitors[${f.monitor}]); one server uses one port for all its ${BMCNOTICE} monitors`
      );
    }
  }
}

function checkSnmpUsers(config: ClusterConfig, report: Report) {
  const seen = new Map<string, number>();
  config.traps.users.forEach((u, i) => {
    const path: PathPart[] = ['traps', 'users', i];
    const first = seen.get(u.name);
    if (first !== undefined) {
      report([...path, 'name'], `"${u.name}" is already used by traps.users[${first}]`);
    }
    seen.set(u.name, i);
    if (u.privProtocol !== 'none' && u.privKey === undefined) {
      report([...path, 'privKey'], `is required when privProtocol is ${u.privProtocol}`);
    }
  });
}
