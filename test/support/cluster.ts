/**
 * Helpers for tests that run several real agents: cluster configurations on the test file's
 * loopback block (server N on ip('127.0.0.N') and ip('127.0.2.N'), its simulated BMC on
 * ip('127.0.1.(10+N)'); see isolation.ts), the status API of an agent, and signals to agents by PID.
 */
import type { RunningAgent } from './agent';
import { ip } from './isolation';
import type { ClusterStatus, StatusServer } from '../../backend/agent/status';

export interface LoopbackClusterOptions {
  name?: string;
  servers: number;
  apiPort: number;
  /** One LAN interconnect per port: the first on ip('127.0.0.N'), the second on ip('127.0.2.N'). */
  lanPorts: number[];
  /** RMCP port of the simulated BMCs on ip('127.0.1.(10+N)'); adds a bmc interconnect. */
  bmcPort?: number;
  intervalMs?: number;
  timeoutMs?: number;
  groups?: string[];
  monitors?: object[];
}

const LAN_NETS = ['127.0.0', '127.0.2'];

export const bmcAddress = (n: number) => ip(`127.0.1.${10 + n}`);

export function loopbackCluster(o: LoopbackClusterOptions): Record<string, any> {
  const names = Array.from({ length: o.servers }, (_, i) => `server${i + 1}`);
  const byServer = (address: (n: number) => string) => Object.fromEntries(names.map((s, i) => [s, address(i + 1)]));
  return {
    cluster: {
      name: o.name ?? 'itest',
      heartbeat: { intervalMs: o.intervalMs ?? 200, timeoutMs: o.timeoutMs ?? 1000 },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: names.map((name, i) => ({
      name,
      api: { address: ip(`127.0.0.${i + 1}`), port: o.apiPort },
      ...(o.bmcPort !== undefined
        ? { bmc: { address: bmcAddress(i + 1), port: o.bmcPort, user: 'admin', password: { env: 'BMC_PW' } } }
        : {}),
    })),
    interconnects: [
      ...o.lanPorts.map((port, k) => ({ type: 'lan', port, addresses: byServer((n) => ip(`${LAN_NETS[k]}.${n}`)) })),
      ...(o.bmcPort !== undefined ? [{ type: 'bmc', addresses: byServer(bmcAddress) }] : []),
    ],
    groups: (o.groups ?? []).map((name) => ({ name })),
    monitors: o.monitors ?? [],
  };
}

export async function status(agent: RunningAgent): Promise<ClusterStatus> {
  const r = await agent.request('GET', '/api/v1/status', undefined, agent.tokens.viewer);
  if (r.status !== 200) {
    throw new Error(`GET /api/v1/status: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body as ClusterStatus;
}

export async function serverView(agent: RunningAgent, server: string): Promise<StatusServer> {
  const s = (await status(agent)).servers.find((x) => x.name === server);
  if (!s) {
    throw new Error(`${server} is not in the status`);
  }
  return s;
}

/** Sends a signal to the agent's process by its PID (never by name). */
export function signal(agent: RunningAgent, sig: NodeJS.Signals): void {
  process.kill(agent.child.pid!, sig);
}

/** SIGKILLs the agent and waits until the process has exited. */
export async function killAgent(agent: RunningAgent): Promise<void> {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => agent.child.once('exit', r));
  process.kill(agent.child.pid!, 'SIGKILL');
  await exited;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
