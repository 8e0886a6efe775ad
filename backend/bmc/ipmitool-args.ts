// The exact argv and environment of an ipmitool child, built by pure functions so that tests
// can assert the one property that matters most: the password is never in argv.
//
// argv is world-readable (ps, /proc/PID/cmdline); a child's environment is readable only by
// its own user and root (/proc/PID/environ is mode 0400). So the password goes to ipmitool as
// IPMI_PASSWORD with -E, in the child's environment only: it is never put into this process's
// own environment, where every other child would inherit it.

import type { ChassisCommand, IpmiTarget } from './types';

export interface IpmitoolTiming {
  /** ipmitool -N: seconds to wait for each reply before retransmitting (lanplus). */
  retransmitSec: number;
  /** ipmitool -R: retransmissions per request. */
  retries: number;
}

/** -N 1 -R 1: a dead BMC is reported in about 2 s instead of ipmitool's default 20 s or more. */
export const DEFAULT_TIMING: IpmitoolTiming = { retransmitSec: 1, retries: 1 };

export function ipmitoolArgs(
  target: IpmiTarget,
  command: ChassisCommand,
  timing: IpmitoolTiming = DEFAULT_TIMING
): string[] {
  return [
    '-I',
    'lanplus',
    '-C',
    String(target.cipherSuite),
    '-H',
    target.address,
    '-p',
    String(target.port),
    '-U',
    target.user,
    '-E',
    '-N',
    String(timing.retransmitSec),
    '-R',
    String(timing.retries),
    'chassis',
    'power',
    command,
  ];
}

/**
 * A minimal environment: PATH to find helpers, the C locale so that the output is the English
 * text the parser knows, and the password. Nothing else of this process's environment (which
 * may hold other secrets) is passed on.
 */
export function ipmitoolEnv(target: IpmiTarget, parentEnv: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    PATH: parentEnv.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    IPMI_PASSWORD: target.password.reveal(),
  };
}
