/**
 * BMCs of the chaos rig: one OpenIPMI ipmi_sim per host, all running inside the management
 * namespace (so a host's power-off or reset never takes its own BMC down) on the management
 * network. Their chassis hook makes the power real: `chassis power off` (and `reset`, `cycle`)
 * SIGKILLs every process in the host's network namespace by PID (`ip netns pids`) before the
 * BMC answers, so when the BMC confirms "off", nothing of that host runs any more: not its
 * agent, not the daemons its resources started. Power on only flips the state: the rig boots
 * the agent again (rig.boot), as the host's init would.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NetnsLab } from '../netns';
import { requireIpmiTools, SIM_PASSWORD, SIM_USER } from '../ipmi-sim';

export const BMC_PORT = 623;

export interface RigBmc {
  address: string;
  stateFile: string;
  /** One line per chassis hook call. */
  callsLog: string;
  power(): 'on' | 'off';
}

// ipmi_sim appends "get|set|check PARM [VAL]..." to the command; STATE and NAMESPACE come first.
const HOOK = `#!/bin/sh
st=$1; ns=$2; shift 2; op=$1; shift
echo "$(date +%s%3N) $op $*" >> "\${st%.power}.calls.log"
[ -f "$st" ] || echo 1 > "$st"
kill_host() {
  for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null; done
  echo "$(date +%s%3N) killed host processes" >> "\${st%.power}.calls.log"
}
case $op in
  get) for p in "$@"; do case $p in power) echo "power:$(cat "$st")";; boot) echo "boot:default";; *) echo "Invalid parameter: $p"; exit 1;; esac; done ;;
  set) while [ $# -gt 0 ]; do p=$1; v=$2; shift 2
         case $p in
           power) [ "$v" = 0 ] && kill_host; echo "$v" > "$st";;
           reset) kill_host;;
           boot|identify) ;;
           *) echo "Invalid parameter: $p"; exit 1;;
         esac; done ;;
  check) exit 1 ;;
  *) echo "Unknown operation: $op"; exit 1 ;;
esac
`;

const EMU = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`;

function lanConf(name: string, address: string, dir: string, ns: string): string {
  const auths = 'none md2 md5 straight';
  return `name "${name}"
set_working_mc 0x20
  startlan 1
    addr ${address} ${BMC_PORT}
    priv_limit admin
    allowed_auths_callback ${auths}
    allowed_auths_user ${auths}
    allowed_auths_operator ${auths}
    allowed_auths_admin ${auths}
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "${dir}/chassis.sh ${dir}/chassis.power ${ns}"
  user 2 true "${SIM_USER}" "${SIM_PASSWORD}" admin 10 ${auths}
`;
}

/** ipmitool argv against a rig BMC (run it inside the management namespace). */
export const ipmitool = (address: string, ...command: string[]) => [
  'ipmitool',
  '-I',
  'lanplus',
  '-C',
  '3',
  '-N',
  '1',
  '-R',
  '1',
  '-H',
  address,
  '-p',
  String(BMC_PORT),
  '-U',
  SIM_USER,
  '-P',
  SIM_PASSWORD,
  ...command,
];

/** Starts the BMC of host `hostNs` at `address` inside `mgmtNs`; resolves once it answers. */
export async function startRigBmc(
  lab: NetnsLab,
  mgmtNs: string,
  hostNs: string,
  address: string,
  dir: string
): Promise<RigBmc> {
  requireIpmiTools();
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
  const stateFile = path.join(dir, 'chassis.power');
  fs.writeFileSync(path.join(dir, 'lan.conf'), lanConf(path.basename(dir), address, dir, hostNs));
  fs.writeFileSync(path.join(dir, 'bmc.emu'), EMU);
  fs.writeFileSync(path.join(dir, 'chassis.sh'), HOOK, { mode: 0o755 });
  fs.writeFileSync(stateFile, '1\n');
  const child = lab.spawnIn(
    mgmtNs,
    [
      'ipmi_sim',
      '-c',
      path.join(dir, 'lan.conf'),
      '-f',
      path.join(dir, 'bmc.emu'),
      '-s',
      path.join(dir, 'state'),
      '-n',
    ],
    {
      logFile: path.join(dir, 'ipmi_sim.log'),
    }
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = lab.exec(mgmtNs, ipmitool(address, 'chassis', 'power', 'status'), { timeoutMs: 5000 });
    if (r.code === 0 && r.stdout.includes('Chassis Power is on')) {
      break;
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = fs.readFileSync(path.join(dir, 'ipmi_sim.log'), 'utf8').slice(-2000);
      throw new Error(`the BMC at ${address} did not answer (${r.stderr.trim()}); ipmi_sim said:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    address,
    stateFile,
    callsLog: path.join(dir, 'chassis.calls.log'),
    power: () => (fs.readFileSync(stateFile, 'utf8').trim() === '0' ? 'off' : 'on'),
  };
}
