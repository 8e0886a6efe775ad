// Builders of runner and ping results for the BMC unit tests.
import type { PingResult } from '../../../backend/bmc/rmcp-ping';
import type { ChassisCommand, IpmiCallResult, IpmiTarget } from '../../../backend/bmc/types';
import { SecretValue } from '../../../backend/bmc/secret-value';

export const TARGET: IpmiTarget = {
  address: '192.0.2.12',
  port: 623,
  user: 'admin',
  password: new SecretValue('hunter2-not-in-logs'),
  cipherSuite: 3,
};

export function pong(rttMs = 0.4): PingResult {
  return {
    ok: true,
    rttMs,
    pong: {
      tag: 1,
      oemIana: 4542,
      oemDefined: 0,
      ipmiSupported: true,
      asfVersion: 1,
      securityExtensions: false,
      dashSupported: false,
      supportedEntities: 0x81,
      supportedInteractions: 0,
    },
  };
}

export function noPong(reason: 'timeout' | 'refused' = 'timeout'): PingResult {
  return { ok: false, reason, detail: reason === 'timeout' ? 'no presence pong within 1000 ms' : 'ECONNREFUSED' };
}

export function ipmiOk(command: ChassisCommand, power?: 'on' | 'off'): IpmiCallResult {
  return {
    command,
    outcome: 'ok',
    ok: true,
    power,
    output: power ? `Chassis Power is ${power}` : 'Chassis Power Control: Down/Off',
    exitCode: 0,
    signal: null,
    joined: false,
    startedAt: 0,
    durationMs: 22,
  };
}

export function ipmiFail(command: ChassisCommand, outcome: 'error' | 'timeout' | 'busy' = 'error'): IpmiCallResult {
  const error = {
    error: 'session: Error: Unable to establish IPMI v2 / RMCP+ session (exit 1)',
    timeout: 'ipmitool did not finish within 10000 ms: killed (SIGKILL)',
    busy: 'a power control call to this BMC is in progress',
  }[outcome];
  return {
    command,
    outcome,
    ok: false,
    error,
    output: outcome === 'error' ? 'Error: Unable to establish IPMI v2 / RMCP+ session' : '',
    exitCode: outcome === 'error' ? 1 : null,
    signal: outcome === 'timeout' ? 'SIGKILL' : null,
    joined: false,
    startedAt: 0,
    durationMs: outcome === 'busy' ? 0 : 2000,
  };
}
