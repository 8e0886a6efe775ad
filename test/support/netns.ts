/**
 * A small lab of network namespaces for tests that must cut real links: N hosts and M
 * networks, each network a Linux bridge in its own namespace, each host joined to each
 * network by a veth pair, with 10.231.<network>.<host>/24 on the host side. Everything lives
 * in namespaces named `ll-<random>-...`; nothing is configured in the root namespace, and
 * tests must never send from the root namespace to a lab address (it would be routed out of
 * the machine): run commands inside with `exec` / `spawnIn`.
 *
 * Needs root (CI runs as root). `destroy()` kills the processes started here by PID and
 * deletes the namespaces; a process-exit hook does the same if a test crashes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

export interface NetnsLab {
  prefix: string;
  host(n: number): string;
  bridge(net: number): string;
  address(host: number, net: number): string;
  /** Runs a command inside a namespace and waits (bounded) for it. */
  exec(ns: string, argv: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): CommandResult;
  /** Starts a long-running command inside a namespace (killed by PID on destroy()). */
  spawnIn(ns: string, argv: string[], options: { env?: NodeJS.ProcessEnv; logFile: string }): ChildProcess;
  /** Takes the bridge of a network down (every host loses that network) or up again. */
  setNetwork(net: number, up: boolean): void;
  destroy(): Promise<void>;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Throws with the exact reason when namespaces cannot be created here. */
export function requireNetnsPrivileges(): void {
  const uid = process.getuid?.();
  if (uid !== 0) {
    throw new Error(
      `the network namespace tests need root to create namespaces, veth pairs and bridges ("ip netns add" needs CAP_SYS_ADMIN); ` +
        `this test runs as uid ${uid ?? 'unknown'}. Run the integration tests as root (CI does).`
    );
  }
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`"ip netns list" failed (${probe.error?.message ?? probe.stderr.trim()}): install iproute2`);
  }
}

function run(argv: string[], timeoutMs = 10_000): CommandResult {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function must(argv: string[]): void {
  const r = run(argv);
  if (r.code !== 0) {
    throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  }
}

const live = new Set<() => void>();
let hooked = false;

export function createLab(hosts: number, networks: number): NetnsLab {
  requireNetnsPrivileges();
  const prefix = `ll-${randomBytes(3).toString('hex')}`;
  const host = (n: number) => `${prefix}-h${n}`;
  const bridge = (net: number) => `${prefix}-b${net}`;
  const address = (h: number, net: number) => `10.231.${net}.${h}`;
  const namespaces: string[] = [];
  const children = new Map<number, ChildProcess>();

  const killChildren = () => {
    for (const [pid, child] of children) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  const deleteNamespaces = () => {
    for (const ns of namespaces.splice(0)) {
      run(['ip', 'netns', 'del', ns]);
    }
  };
  const emergency = () => {
    killChildren();
    deleteNamespaces();
  };
  live.add(emergency);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => live.forEach((f) => f()));
  }

  try {
    for (const ns of [
      ...Array.from({ length: hosts }, (_, i) => host(i + 1)),
      ...Array.from({ length: networks }, (_, i) => bridge(i + 1)),
    ]) {
      must(['ip', 'netns', 'add', ns]);
      namespaces.push(ns);
      must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    for (let net = 1; net <= networks; net++) {
      must(['ip', '-n', bridge(net), 'link', 'add', 'br0', 'type', 'bridge']);
      must(['ip', '-n', bridge(net), 'link', 'set', 'br0', 'up']);
      for (let h = 1; h <= hosts; h++) {
        // Created directly inside the two namespaces: the names never exist in the root namespace.
        must([
          'ip',
          'link',
          'add',
          `eth${net}`,
          'netns',
          host(h),
          'type',
          'veth',
          'peer',
          'name',
          `h${h}`,
          'netns',
          bridge(net),
        ]);
        must(['ip', '-n', bridge(net), 'link', 'set', `h${h}`, 'master', 'br0', 'up']);
        must(['ip', '-n', host(h), 'addr', 'add', `${address(h, net)}/24`, 'dev', `eth${net}`]);
        must(['ip', '-n', host(h), 'link', 'set', `eth${net}`, 'up']);
      }
    }
  } catch (e) {
    emergency();
    live.delete(emergency);
    throw e;
  }

  return {
    prefix,
    host,
    bridge,
    address,
    exec: (ns, argv, options = {}) => {
      const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 15_000,
        env: { ...process.env, ...options.env },
      });
      return { code: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
    },
    spawnIn: (ns, argv, options) => {
      const out = fs.openSync(options.logFile, 'a');
      // `ip netns exec` enters the namespace and execs the command: the PID is the command's.
      const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
        stdio: ['ignore', out, out],
        env: { ...process.env, ...options.env },
      });
      fs.closeSync(out);
      if (child.pid !== undefined) {
        children.set(child.pid, child);
      }
      return child;
    },
    setNetwork: (net, up) => must(['ip', '-n', bridge(net), 'link', 'set', 'br0', up ? 'up' : 'down']),
    destroy: async () => {
      const exits = [...children.values()]
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => new Promise((r) => c.once('exit', r)));
      killChildren();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(exits), new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      children.clear();
      deleteNamespaces();
      live.delete(emergency);
    },
  };
}
