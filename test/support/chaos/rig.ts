/**
 * The chaos rig: three hosts in network namespaces, each with its own real `lifeline agent`,
 * joined by two interconnect bridges (networks 1 and 2) and a management network (3) where
 * their BMCs (ipmi_sim, bmc.ts) live in a fourth, management namespace. Resources are ledger
 * resources (config.ts, ledger.ts). Faults are real: SIGSTOP/SIGCONT and SIGKILL of an agent
 * by PID, a host's port on a bridge taken down, chassis power off through the BMC (which kills
 * every process of the host), an emulated watchdog per host (watchdog-supervisor.cjs) that
 * resets the host when the agent stops petting it.
 *
 * The test process never sends a packet from the root namespace: it talks to each agent
 * through that host's api-proxy.cjs on a unix socket, and runs ipmitool inside the management
 * namespace. Every process is started here and killed by PID (lab.destroy()). Needs root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { dump } from 'js-yaml';
import { createToken } from '../../../backend/api/tokens';
import type { ClusterStatus } from '../../../backend/agent/status';
import type { GroupView } from '../../../backend/groups/view';
import { eventually } from '../agent';
import { tempDir } from '../isolation';
import { createLab, type CommandResult, type NetnsLab } from '../netns';
import { CLI } from '../paths';
import { ipmitool, startRigBmc, type RigBmc } from './bmc';
import {
  API_PORT,
  LAN_PORTS,
  apiAddress,
  bmcAddress,
  installLedgerResource,
  ledgerFile,
  MGMT_NET,
  rigConfig,
  SERVERS,
  type RigConfigOptions,
} from './config';
import { describe as describeLedger, overlaps, readLedger, runningHosts, type Overlap } from './ledger';

export type Server = (typeof SERVERS)[number];
const MGMT_HOST = 4;
const SECRET = 'chaos-rig-secret';

export interface Reply {
  /** HTTP status; 0 when the host's proxy is gone (host down), 599 when the agent did not answer. */
  status: number;
  body: any;
}

export interface Rig {
  dir: string;
  lab: NetnsLab;
  config: Record<string, unknown>;
  servers: readonly Server[];
  ledger: string;
  hostOf(server: Server): number;
  /** Boots every host (agents + proxies) and waits until every agent hears every peer. */
  start(): Promise<void>;
  /** Starts `server`'s agent and its operator proxy (the host's power must be on). */
  boot(server: Server): Promise<void>;
  /** true while `server`'s agent process runs (stopped or not). */
  agentUp(server: Server): boolean;
  agentPid(server: Server): number | undefined;
  freeze(server: Server): void;
  thaw(server: Server): void;
  /** SIGKILL of the agent alone: the daemons it started keep running. */
  killAgent(server: Server): Promise<void>;
  /** `ipmitool chassis power off|on` against the server's BMC, from the management namespace. */
  power(server: Server, state: 'on' | 'off'): Promise<CommandResult>;
  powerState(server: Server): 'on' | 'off';
  /** Takes the server's port on interconnect bridge `net` (1 or 2) down or up. */
  link(server: Server, net: number, up: boolean): void;
  /** Cuts (or restores) both interconnects of `server`: a real partition, the BMC network stays. */
  isolate(server: Server, cut: boolean): void;
  /**
   * Drops (or lets through again) every heartbeat arriving at `server` (nftables in its
   * namespace): a one-way cut, it still sends and its peers still hear it.
   */
  deafen(server: Server, deaf: boolean): void;
  /** Makes the next starts of `group` on `server` fail: 'exit' (nothing started), 'daemon' (daemon left, exit 1). */
  failStart(server: Server, group: string, mode: 'exit' | 'daemon' | null): void;
  /** An operator's API request through `server`'s agent, sent from inside its host. */
  request(server: Server, method: string, p: string, body?: unknown, timeoutMs?: number): Promise<Reply>;
  groups(server: Server): Promise<GroupView[]>;
  group(server: Server, name: string): Promise<GroupView>;
  status(server: Server): Promise<ClusterStatus>;
  /** The summaries of the newest events in the server's own log, newest first. */
  eventSummaries(server: Server): Promise<string[]>;
  /** SIGKILLs every ledger daemon still running (by its pid file): a clean slate between cases. */
  killDaemons(): void;
  /** Chassis calls the server's BMC received: "<ms> get|set power 0|1 ..." (and when it killed the host). */
  bmcCalls(server: Server): string[];
  /** Watchdog events of a host ("<ms> armed|disarmed|reset ..."). */
  watchdogEvents(server: Server): string[];
  /** Hosts running `group` now, by the ledger. */
  runningOn(group: string): string[];
  overlaps(since?: number): Overlap[];
  /** Ledger, watchdog events and log tails: what a failure message needs. */
  diagnostics(group?: string): string;
  /** Polls `check` until it returns a value; an error for which `fatal` says true ends it at once. */
  until<T>(
    what: string,
    check: () => Promise<T | undefined> | T | undefined,
    ms?: number,
    fatal?: (e: unknown) => boolean
  ): Promise<T>;
  destroy(): Promise<void>;
}

/** Runs argv inside namespace `ns` without blocking the test's event loop. */
export function execIn(ns: string, argv: string[], timeoutMs = 15_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function viaSocket(socket: string, method: string, p: string, body: unknown, token: string, timeoutMs: number) {
  return new Promise<Reply>((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath: socket,
        path: p,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-timeout-ms': String(timeoutMs),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      }
    );
    req.setTimeout(timeoutMs + 5000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: { error: e.message } }));
    req.end(payload);
  });
}

export async function createRig(options: RigConfigOptions & { dir?: string }): Promise<Rig> {
  const dir = options.dir ?? tempDir('lifeline-chaos-');
  const lab = createLab(MGMT_HOST, 3);
  const mgmt = lab.host(MGMT_HOST);
  const hostOf = (s: Server) => SERVERS.indexOf(s) + 1;
  const admin = createToken('chaos-admin', 'admin');
  const agents = new Map<Server, ChildProcess>();
  const proxies = new Map<Server, ChildProcess>();
  const alive = (c: ChildProcess | undefined) => c !== undefined && c.exitCode === null && c.signalCode === null;
  const bmcs = new Map<Server, RigBmc>();
  const fifo = (s: Server) => path.join(dir, 'wd', `${s}.fifo`);
  const wdEvents = (s: Server) => path.join(dir, 'wd', `${s}.events`);
  const socket = (s: Server) => path.join(dir, 'sock', `${s}.sock`);
  const logFile = (s: Server) => path.join(dir, `${s}.log`);

  installLedgerResource(dir);
  fs.mkdirSync(path.join(dir, 'sock'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'wd'), { recursive: true });
  const config = rigConfig(dir, options);
  fs.writeFileSync(path.join(dir, 'cluster.yaml'), dump(config));
  fs.writeFileSync(path.join(dir, 'tokens.yaml'), dump([admin.entry]), { mode: 0o600 });

  const must = (r: CommandResult, what: string) => {
    if (r.code !== 0) {
      throw new Error(`${what} exited ${r.code}: ${r.stderr}`);
    }
  };
  // The management host sits on the management network only; it carries the BMC addresses.
  for (const net of [1, 2]) {
    must(lab.exec(mgmt, ['ip', 'link', 'del', `eth${net}`]), `removing eth${net} of the management host`);
  }
  for (let n = 1; n <= SERVERS.length; n++) {
    must(lab.exec(mgmt, ['ip', 'addr', 'add', `${bmcAddress(n)}/24`, 'dev', `eth${MGMT_NET}`]), 'BMC address');
  }
  for (const s of SERVERS) {
    bmcs.set(s, await startRigBmc(lab, mgmt, lab.host(hostOf(s)), bmcAddress(hostOf(s)), path.join(dir, `bmc-${s}`)));
    if (options.watchdog) {
      spawnSync('mkfifo', [fifo(s)]);
      fs.writeFileSync(wdEvents(s), '');
      lab.spawnIn(
        mgmt,
        [
          process.execPath,
          path.join(__dirname, 'watchdog-supervisor.cjs'),
          fifo(s),
          lab.host(hostOf(s)),
          String(options.watchdog.timeoutMs),
          wdEvents(s),
        ],
        { logFile: path.join(dir, 'wd', `${s}.log`) }
      );
    }
  }
  // An agent opening its watchdog FIFO for writing would block until the supervisor reads it.
  for (const s of options.watchdog ? SERVERS : []) {
    await eventually(
      () => (fs.readFileSync(wdEvents(s), 'utf8').includes('listening') ? true : undefined),
      10_000,
      `${s}'s watchdog supervisor listening`
    );
  }

  const tail = (s: Server, lines = 15) =>
    fs.existsSync(logFile(s)) ? fs.readFileSync(logFile(s), 'utf8').trim().split('\n').slice(-lines).join('\n') : '';

  const boot = async (s: Server) => {
    if (agentUp(s)) {
      throw new Error(`${s}'s agent is already running`);
    }
    const ns = lab.host(hostOf(s));
    fs.appendFileSync(logFile(s), `--- rig: boot ${new Date().toISOString()}\n`);
    const offset = fs.statSync(logFile(s)).size;
    const child = lab.spawnIn(
      ns,
      [
        process.execPath,
        CLI,
        'agent',
        '--config',
        path.join(dir, 'cluster.yaml'),
        '--server',
        s,
        '--state-dir',
        path.join(dir, s),
        '--tokens',
        path.join(dir, 'tokens.yaml'),
        ...(options.watchdog ? ['--watchdog-device', fifo(s)] : []),
      ],
      { logFile: logFile(s), env: { LIFELINE_CLUSTER_SECRET: SECRET, BMC_PW: 'secret' } }
    );
    agents.set(s, child);
    if (!alive(proxies.get(s))) {
      fs.rmSync(`${socket(s)}.ready`, { force: true });
      const proxy = lab.spawnIn(
        ns,
        [
          process.execPath,
          path.join(__dirname, 'api-proxy.cjs'),
          socket(s),
          `http://${apiAddress(hostOf(s))}:${API_PORT}`,
        ],
        { logFile: path.join(dir, 'sock', `${s}.log`) }
      );
      proxies.set(s, proxy);
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const fd = fs.openSync(logFile(s), 'r');
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      const text = buf.toString('utf8');
      if (text.includes('"msg":"API listening"') && fs.existsSync(`${socket(s)}.ready`)) {
        return;
      }
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `${s}'s agent did not start (exit ${child.exitCode ?? child.signalCode}):\n${text.slice(-3000)}`
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const agentUp = (s: Server) => alive(agents.get(s));
  const request = (s: Server, method: string, p: string, body?: unknown, timeoutMs = 65_000) =>
    viaSocket(socket(s), method, p, body, admin.token, timeoutMs);
  const getJson = async (s: Server, p: string) => {
    const r = await request(s, 'GET', p, undefined, 5000);
    if (r.status !== 200) {
      throw new Error(`GET ${p} through ${s}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    return r.body;
  };
  const watchdogEvents = (s: Server) =>
    fs.existsSync(wdEvents(s)) ? fs.readFileSync(wdEvents(s), 'utf8').trim().split('\n').filter(Boolean) : [];
  const diagnostics = (group?: string) =>
    [
      `ledger copies:\n${describeLedger(readLedger(ledgerFile(dir)), group)}`,
      ...(options.watchdog ? SERVERS.map((s) => `watchdog ${s}: ${watchdogEvents(s).slice(-5).join(' | ')}`) : []),
      ...SERVERS.map((s) => `power ${s}: ${bmcs.get(s)?.power()}; agent ${agentUp(s) ? 'up' : 'down'}`),
      ...SERVERS.map((s) => `--- ${s} (last lines)\n${tail(s)}`),
    ].join('\n');

  const rig: Rig = {
    dir,
    lab,
    config,
    servers: SERVERS,
    ledger: ledgerFile(dir),
    hostOf,
    boot,
    agentUp,
    agentPid: (s) => (agentUp(s) ? agents.get(s)!.pid : undefined),
    start: async () => {
      // All at once: a peer still booting after a heartbeat timeout is a silent peer, and
      // with fencing the others would rightly power it off (startup fencing).
      await Promise.all(SERVERS.map((s) => boot(s)));
      await rig.until(
        'every agent hears every peer',
        async () => {
          for (const s of SERVERS) {
            const st = (await rig.status(s)).servers;
            if (!st.every((x) => x.self || x.state === 'online')) {
              return undefined;
            }
          }
          return true;
        },
        20_000
      );
    },
    freeze: (s) => process.kill(rig.agentPid(s)!, 'SIGSTOP'),
    thaw: (s) => {
      const pid = rig.agentPid(s);
      if (pid !== undefined) {
        process.kill(pid, 'SIGCONT');
      }
    },
    killAgent: async (s) => {
      const c = agents.get(s);
      if (c && agentUp(s)) {
        const exited = new Promise((r) => c.once('exit', r));
        process.kill(c.pid!, 'SIGKILL');
        await exited;
      }
    },
    power: async (s, state) => {
      const r = await execIn(mgmt, ipmitool(bmcAddress(hostOf(s)), 'chassis', 'power', state));
      const c = agents.get(s);
      if (state === 'off' && c && agentUp(s)) {
        // The hook has killed the host's processes before the BMC answered; see them reaped.
        await eventually(() => (agentUp(s) ? undefined : true), 5000, `${s}'s agent gone after power off`);
      }
      return r;
    },
    powerState: (s) => bmcs.get(s)!.power(),
    link: (s, net, up) =>
      must(
        lab.exec(lab.bridge(net), ['ip', 'link', 'set', `h${hostOf(s)}`, up ? 'up' : 'down']),
        `bridge ${net} port of ${s} ${up ? 'up' : 'down'}`
      ),
    isolate: (s, cut) => [1, 2].forEach((net) => rig.link(s, net, !cut)),
    deafen: (s, deaf) => {
      const ns = lab.host(hostOf(s));
      lab.exec(ns, ['nft', 'delete', 'table', 'inet', 'lifeline_deaf']); // absent the first time
      if (deaf) {
        for (const command of [
          'add table inet lifeline_deaf',
          'add chain inet lifeline_deaf input { type filter hook input priority 0 ; }',
          `add rule inet lifeline_deaf input udp dport { ${LAN_PORTS.join(', ')} } drop`,
        ]) {
          must(lab.exec(ns, ['nft', command]), `dropping heartbeats to ${s}: nft ${command}`);
        }
      }
    },
    failStart: (s, group, mode) => {
      const f = path.join(dir, 'fail', `${s}.${group}`);
      if (mode) {
        fs.writeFileSync(f, mode);
      } else {
        fs.rmSync(f, { force: true });
      }
    },
    request,
    groups: async (s) => (await getJson(s, '/api/v1/groups')).groups as GroupView[],
    group: async (s, name) => (await getJson(s, `/api/v1/groups/${name}`)) as GroupView,
    status: async (s) => (await getJson(s, '/api/v1/status')) as ClusterStatus,
    eventSummaries: async (s) =>
      ((await getJson(s, '/api/v1/events?limit=200')).events as Array<{ summary: string }>).map((e) => e.summary),
    watchdogEvents,
    bmcCalls: (s) => {
      const f = bmcs.get(s)!.callsLog;
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
    },
    killDaemons: () => {
      for (const s of SERVERS) {
        const run = path.join(dir, 'run', s);
        for (const f of fs.existsSync(run) ? fs.readdirSync(run).filter((x) => x.endsWith('.pid')) : []) {
          try {
            process.kill(Number(fs.readFileSync(path.join(run, f), 'utf8').trim()), 'SIGKILL');
          } catch {
            // gone already
          }
          fs.rmSync(path.join(run, f), { force: true });
        }
      }
    },
    runningOn: (group) => runningHosts(readLedger(ledgerFile(dir)), group),
    overlaps: (since = 0) => overlaps(readLedger(ledgerFile(dir)), since),
    diagnostics,
    until: async (what, check, ms = 20_000, fatal = () => false) => {
      let stop: unknown;
      const guarded = async () => {
        try {
          return await check();
        } catch (e) {
          if (fatal(e)) {
            stop = e;
            return null as never;
          }
          throw e;
        }
      };
      const v = await eventually(guarded, ms, what, { intervalMs: 150, diagnostics: () => diagnostics() });
      if (stop !== undefined) {
        throw stop;
      }
      return v;
    },
    destroy: async () => {
      // The daemons the agents' scripts started are no children of ours: every process left
      // in a host's namespace goes, by PID, before the namespaces do.
      for (const s of SERVERS) {
        const pids = spawnSync('ip', ['netns', 'pids', lab.host(hostOf(s))], { encoding: 'utf8' }).stdout;
        for (const pid of (pids ?? '').split(/\s+/).filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      await lab.destroy();
    },
  };
  return rig;
}

/** The ledger's overlaps as one message (empty when there are none), for expect(...).toBe(''). */
export function overlapReport(rig: Rig, since = 0): string {
  const found = rig.overlaps(since);
  return found.length === 0 ? '' : `${found.map((o) => o.evidence).join('\n')}\n\n${rig.diagnostics()}`;
}
