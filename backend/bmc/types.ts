// Types shared by the BMC checker, the ipmitool runner and the fencing primitives.
// Plain data only (JSON-serialisable), except the password, which is wrapped so that it
// cannot leak through logging or JSON (see secret-value.ts).

import type { SecretValue } from './secret-value';

/** Where a BMC answers RMCP (UDP): presence pings and IPMI-over-LAN share this endpoint. */
export interface BmcEndpoint {
  address: string;
  port: number;
}

/** Everything ipmitool needs to reach one BMC, with the password already resolved. */
export interface IpmiTarget extends BmcEndpoint {
  user: string;
  password: SecretValue;
  /** IPMI v2.0 cipher suite (ipmitool -C); 3 = HMAC-SHA1 / AES-CBC-128. */
  cipherSuite: number;
}

/** Chassis power as last read from the BMC; `unknown` when the last read failed or none was made. */
export type PowerState = 'on' | 'off' | 'unknown';

/** The `chassis power ...` sub-commands the agent uses. */
/** `diag`: a diagnostic interrupt (NMI), for a crash dump of a hung kernel. */
export type ChassisCommand = 'status' | 'on' | 'off' | 'cycle' | 'reset' | 'diag';

/**
 * How one runner call ended.
 * - `ok`: ipmitool answered with the line expected for the command.
 * - `error`: ipmitool ran and failed (session, completion code, unexpected output).
 * - `timeout`: the hard deadline passed; the process was SIGKILLed.
 * - `spawn_error`: ipmitool could not be started (not installed, not executable).
 * - `busy`: refused without starting a process, because of the one-call-per-BMC rule.
 */
export type IpmiOutcome = 'ok' | 'error' | 'timeout' | 'spawn_error' | 'busy';

export interface IpmiCallResult {
  command: ChassisCommand;
  outcome: IpmiOutcome;
  ok: boolean;
  /** For `status` calls that succeeded. */
  power?: 'on' | 'off';
  /** One-line reason when not ok (never contains the password). */
  error?: string;
  /** ipmitool's combined stdout+stderr, trimmed and capped (evidence for fencing and logs). */
  output: string;
  exitCode: number | null;
  signal: string | null;
  /** Process id of the ipmitool child (absent for `busy` and `spawn_error`). */
  pid?: number;
  /** true when this caller joined a status call that another caller had started. */
  joined: boolean;
  /** Wall-clock start (ms since epoch) and monotonic duration of the process run. */
  startedAt: number;
  durationMs: number;
}

/** Runs one chassis command against one BMC. The real implementation is IpmitoolRunner.run. */
export type IpmiFunction = (target: IpmiTarget, command: ChassisCommand) => Promise<IpmiCallResult>;
