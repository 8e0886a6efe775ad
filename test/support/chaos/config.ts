/**
 * The cluster configuration of the chaos rig and its ledger resource. Servers server1..3 on
 * hosts 1..3: API and the first LAN interconnect on network 1 (10.231.1.N), the second LAN
 * interconnect on network 2 (10.231.2.N), BMCs on the management network 3 (10.231.3.1N),
 * checked through a `bmc` interconnect. Partition resolution by majority, the loser stops its
 * groups (stop-service). Fencing (bmc-power-off, no delay) and the watchdog (contract B of
 * issue 9: top-level `watchdog: {timeoutMs}`) only when asked for.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SERVERS = ['server1', 'server2', 'server3'] as const;
export const API_PORT = 29431;
export const LAN_PORTS = [29432, 29433];
/** The management network (BMCs); networks 1 and 2 are the interconnects. */
export const MGMT_NET = 3;
export const INTERCONNECTS = [1, 2];

export const apiAddress = (n: number) => `10.231.1.${n}`;
export const bmcAddress = (n: number) => `10.231.${MGMT_NET}.${10 + n}`;

export interface GroupSpec {
  name: string;
  /** Default: all servers in order. */
  startupServers?: string[];
  /** Default true. */
  autoStart?: boolean;
  /** The stop script sleeps this long before it stops the daemon (a slow stop). */
  stopDelayMs?: number;
}

export interface RigConfigOptions {
  name?: string;
  groups: GroupSpec[];
  /** BMC power-off fencing. */
  fencing?: boolean;
  /** Contract B: `watchdog: {timeoutMs}` (agents also get --watchdog-device). */
  watchdog?: { timeoutMs: number };
  heartbeat?: { intervalMs: number; timeoutMs: number };
}

// The ledger resource's scripts. start: refuse (fail=exit), or launch the daemon, wait for its
// pid file, and fail anyway (fail=daemon): the case of a start that leaves a daemon behind.
// An alive copy already on this host makes start a no-op (idempotent, like an OCF agent).
const START = `#!/bin/sh
run="$RIG_DIR/run/$LIFELINE_SERVER"; mkdir -p "$run"; pidf="$run/$LIFELINE_GROUP.pid"
mode=$(cat "$RIG_DIR/fail/$LIFELINE_SERVER.$LIFELINE_GROUP" 2>/dev/null)
if [ "$mode" = exit ]; then echo "start refused by the rig (fail=exit)"; exit 1; fi
if [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then echo "already running"; exit 0; fi
rm -f "$pidf"
nohup "$RIG_NODE" "$RIG_DIR/ledger-daemon.cjs" "$RIG_LEDGER" "$LIFELINE_SERVER" "$LIFELINE_GROUP" "$pidf" >/dev/null 2>&1 &
i=0; while [ ! -s "$pidf" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
if [ "$mode" = daemon ]; then echo "daemon launched, then the start failed (fail=daemon)"; exit 1; fi
[ -s "$pidf" ] || { echo "the daemon did not come up"; exit 1; }
`;

const STOP = `#!/bin/sh
pidf="$RIG_DIR/run/$LIFELINE_SERVER/$LIFELINE_GROUP.pid"
[ "\${RIG_STOP_DELAY_S:-0}" != 0 ] && sleep "$RIG_STOP_DELAY_S"
if [ -s "$pidf" ]; then
  pid=$(cat "$pidf"); kill -TERM "$pid" 2>/dev/null
  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
  kill -KILL "$pid" 2>/dev/null
fi
rm -f "$pidf"
`;

/** Writes the resource scripts and the daemon into `dir`; returns nothing (paths are fixed). */
export function installLedgerResource(dir: string): void {
  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'fail'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ledger-start.sh'), START, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'ledger-stop.sh'), STOP, { mode: 0o755 });
  fs.copyFileSync(path.join(__dirname, 'ledger-daemon.cjs'), path.join(dir, 'ledger-daemon.cjs'));
}

export const ledgerFile = (dir: string) => path.join(dir, 'ledger');

export function rigConfig(dir: string, o: RigConfigOptions): Record<string, unknown> {
  const on = (address: (n: number) => string) => Object.fromEntries(SERVERS.map((s, i) => [s, address(i + 1)]));
  return {
    cluster: {
      name: o.name ?? 'chaos',
      heartbeat: o.heartbeat ?? { intervalMs: 200, timeoutMs: 1500 },
      secret: { env: 'LIFELINE_CLUSTER_SECRET' },
    },
    servers: SERVERS.map((name, i) => ({
      name,
      api: { address: apiAddress(i + 1), port: API_PORT },
      bmc: { address: bmcAddress(i + 1), port: 623, user: 'admin', password: { env: 'BMC_PW' } },
    })),
    interconnects: [
      ...INTERCONNECTS.map((net, k) => ({
        type: 'lan',
        port: LAN_PORTS[k],
        addresses: on((n) => `10.231.${net}.${n}`),
      })),
      { type: 'bmc', addresses: on(bmcAddress) },
    ],
    groups: o.groups.map((g) => ({
      name: g.name,
      ...(g.startupServers ? { startupServers: g.startupServers } : {}),
      autoStart: g.autoStart ?? true,
      resources: [
        {
          name: `${g.name}-ledger`,
          type: 'exec',
          start: `"${dir}/ledger-start.sh"`,
          stop: `"${dir}/ledger-stop.sh"`,
          timeoutMs: 15_000,
          env: {
            RIG_DIR: dir,
            RIG_NODE: process.execPath,
            RIG_LEDGER: ledgerFile(dir),
            RIG_STOP_DELAY_S: String((g.stopDelayMs ?? 0) / 1000),
          },
        },
      ],
    })),
    partition: { majority: true, action: 'stop-service' },
    fencing: o.fencing
      ? { action: 'bmc-power-off', delay: { policy: 'none' }, timeoutMs: 5000, retries: 1 }
      : { action: 'none' },
    ...(o.watchdog ? { watchdog: { timeoutMs: o.watchdog.timeoutMs } } : {}),
  };
}
