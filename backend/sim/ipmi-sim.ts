// A real IPMI-over-LAN BMC on a loopback address, played by OpenIPMI's ipmi_sim: used by the
// tests and by the demo (npm run demo).
// The chassis power lives in a state file ('1' on, '0' off) that a chassis hook
// script reads and writes, so `ipmitool chassis power off` really "turns the host off" and a
// test can flip the power behind the BMC's back with setPower().
//
// Every simulator gets its own temporary folder (config, emulator commands, hook, state,
// log). stop() kills exactly the PID it started (never by name: other tests or a developer
// may run ipmi_sim too) and removes the folder. A process-exit hook kills what a crashed
// test left running.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { presencePing } from '../bmc/rmcp-ping';
import { monotonicNow } from '../time/clock';

export const INSTALL_COMMAND = 'apt-get install -y openipmi ipmitool';
export const SIM_USER = 'admin';
export const SIM_PASSWORD = 'secret';

export interface StartBmcOptions {
  /** A loopback address, 127.0.0.0/8 (127.0.1.x keeps clear of services on 127.0.0.1). */
  address: string;
  port: number;
  name?: string;
  /** Replaces the chassis hook script (tests of BMC-side failures: a hook that hangs or fails). */
  chassisHook?: string;
  /** Wait at most this long for the first presence pong (default 10 s). */
  readyTimeoutMs?: number;
}

export interface SimBmc {
  name: string;
  address: string;
  port: number;
  user: string;
  password: string;
  pid: number;
  dir: string;
  stateFile: string;
  /** One line per chassis hook call ("HH:MM:SS.N set power 0"). */
  callsLog: string;
  /** ipmi_sim's own stdout/stderr. */
  logFile: string;
  setPower(state: 'on' | 'off'): void;
  power(): 'on' | 'off';
  /** SIGSTOP: the BMC hangs (UDP still queues, nothing answers). */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  stop(): Promise<void>;
}

// What the reference setup (shared/reference/ipmi-sim/) uses, written out here so that the
// harness does not depend on files outside the repository.
const LAN_CONF = `name "@NAME@"
set_working_mc 0x20
  startlan 1
    addr @ADDRESS@ @PORT@
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "@DIR@/chassis.sh @DIR@/chassis.power"
  user 2 true "${SIM_USER}" "${SIM_PASSWORD}" admin 10 none md2 md5 straight
`;

const BMC_EMU = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`;

// chassis.sh <statefile> get|set|check [parm [val]...]; ipmi_sim runs it for chassis commands.
const CHASSIS_HOOK = `#!/bin/sh
st=$1; shift; op=$1; shift
echo "$(date +%T.%N) $op $*" >> "\${st%.power}.calls.log"
[ -f "$st" ] || echo 1 > "$st"
case $op in
  get) for p in "$@"; do case $p in power) echo "power:$(cat "$st")";; boot) echo "boot:default";; *) echo "Invalid parameter: $p"; exit 1;; esac; done ;;
  set) while [ $# -gt 0 ]; do p=$1; v=$2; shift 2
         case $p in power) echo "$v" > "$st";; reset|boot|identify) ;; *) echo "Invalid parameter: $p"; exit 1;; esac; done ;;
  check) exit 1 ;;
  *) echo "Unknown operation: $op"; exit 1 ;;
esac
`;

const running = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Throws, naming the install command, when ipmi_sim or ipmitool is missing. */
export function requireIpmiTools(): void {
  const missing = ['ipmi_sim', 'ipmitool'].filter((c) => !has(c));
  if (missing.length > 0) {
    throw new Error(`${missing.join(' and ')} not found on PATH. Install with: ${INSTALL_COMMAND}`);
  }
}

function assertLoopback(address: string): void {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) {
    throw new Error(`simulated BMCs listen on loopback addresses only (127.0.0.0/8), not "${address}"`);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid] of running) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export async function startBmc(options: StartBmcOptions): Promise<SimBmc> {
  requireIpmiTools();
  assertLoopback(options.address);
  const name = options.name ?? `bmc-${options.address}-${options.port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-ipmi-sim-'));
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stateDir);
  const lanConf = path.join(dir, 'lan.conf');
  const emu = path.join(dir, 'bmc.emu');
  const hook = path.join(dir, 'chassis.sh');
  const stateFile = path.join(dir, 'chassis.power');
  const logFile = path.join(dir, 'ipmi_sim.log');
  fs.writeFileSync(
    lanConf,
    LAN_CONF.replace('@NAME@', name)
      .replace('@ADDRESS@', options.address)
      .replace('@PORT@', String(options.port))
      .replace(/@DIR@/g, dir)
  );
  fs.writeFileSync(emu, BMC_EMU);
  fs.writeFileSync(hook, options.chassisHook ?? CHASSIS_HOOK, { mode: 0o755 });
  fs.writeFileSync(stateFile, '1\n');

  const log = fs.openSync(logFile, 'a');
  const child = spawn('ipmi_sim', ['-c', lanConf, '-f', emu, '-s', stateDir, '-n'], {
    cwd: dir,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (child.pid === undefined) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start ipmi_sim. Install with: ${INSTALL_COMMAND}`);
  }
  const pid = child.pid;
  installExitHook();
  running.set(pid, child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    running.delete(pid);
  });

  const stop = async () => {
    if (!hasExited) {
      process.kill(pid, 'SIGKILL'); // works on a SIGSTOPped process too
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Waits for a real process, so the real (monotonic) clock.
  const deadline = monotonicNow() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    const r = await presencePing({ address: options.address, port: options.port }, { timeoutMs: 200, tag: 1 });
    if (r.ok) {
      break;
    }
    if (hasExited || monotonicNow() > deadline) {
      const output = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      await stop();
      throw new Error(
        `ipmi_sim for ${options.address}:${options.port} ${hasExited ? 'exited' : 'did not answer a presence ping'} (${r.reason}: ${r.detail}); its output:\n${output}`
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    name,
    address: options.address,
    port: options.port,
    user: SIM_USER,
    password: SIM_PASSWORD,
    pid,
    dir,
    stateFile,
    callsLog: path.join(dir, 'chassis.calls.log'),
    logFile,
    setPower: (state) => fs.writeFileSync(stateFile, state === 'on' ? '1\n' : '0\n'),
    power: () => (fs.readFileSync(stateFile, 'utf8').trim() === '0' ? 'off' : 'on'),
    freeze: () => process.kill(pid, 'SIGSTOP'),
    thaw: () => process.kill(pid, 'SIGCONT'),
    stop,
  };
}

/** PIDs of live processes whose command line contains every one of `parts` (reads /proc; Linux only). */
export function processesMatching(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // A zombie (state Z) has exited; it only waits for its parent to reap it.
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      const args = cmdline.split('\0');
      if (state !== 'Z' && parts.every((p) => args.includes(p))) {
        pids.push(Number(entry));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** true while a process with this PID exists (zombies included: kill(pid, 0) succeeds on them). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
