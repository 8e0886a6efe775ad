// The ipmitool output fixtures (test/fixtures/ipmitool/*.txt, see the README there) with the
// command that produced each and what the parser must make of it. Shared by the unit test of
// the parser and the integration test that re-captures the deterministic ones live.
import fs from 'node:fs';
import path from 'node:path';
import type { IpmitoolErrorReason, ParsedChassisOutput } from '../../../backend/bmc/ipmitool-output';
import type { ChassisCommand } from '../../../backend/bmc/types';

export const IPMITOOL_FIXTURE_DIR = path.join(__dirname, '..', '..', 'fixtures', 'ipmitool');

export interface IpmitoolFixture {
  file: string;
  command: ChassisCommand;
  exitCode: number;
  parsed: ParsedChassisOutput['kind'];
  /** For successes: the power read or control answered; for errors: the reason. */
  expect: 'on' | 'off' | 'cycle' | 'reset' | IpmitoolErrorReason;
}

export const IPMITOOL_FIXTURES: IpmitoolFixture[] = [
  { file: 'power-status-on.txt', command: 'status', exitCode: 0, parsed: 'power-status', expect: 'on' },
  { file: 'power-status-off.txt', command: 'status', exitCode: 0, parsed: 'power-status', expect: 'off' },
  { file: 'power-off.txt', command: 'off', exitCode: 0, parsed: 'power-control', expect: 'off' },
  { file: 'power-on.txt', command: 'on', exitCode: 0, parsed: 'power-control', expect: 'on' },
  { file: 'power-cycle.txt', command: 'cycle', exitCode: 0, parsed: 'power-control', expect: 'cycle' },
  { file: 'power-reset.txt', command: 'reset', exitCode: 0, parsed: 'power-control', expect: 'reset' },
  { file: 'error-session-unreachable.txt', command: 'status', exitCode: 1, parsed: 'error', expect: 'session' },
  { file: 'error-session-bad-password.txt', command: 'status', exitCode: 1, parsed: 'error', expect: 'session' },
  { file: 'error-session-cipher-suite.txt', command: 'status', exitCode: 1, parsed: 'error', expect: 'session' },
  { file: 'error-no-password.txt', command: 'status', exitCode: 1, parsed: 'error', expect: 'no-password' },
  { file: 'error-status-no-response.txt', command: 'status', exitCode: 1, parsed: 'error', expect: 'no-response' },
  { file: 'error-control-no-response.txt', command: 'off', exitCode: 1, parsed: 'error', expect: 'no-response' },
  {
    file: 'error-status-completion-code.txt',
    command: 'status',
    exitCode: 1,
    parsed: 'error',
    expect: 'completion-code',
  },
  {
    file: 'error-control-completion-code.txt',
    command: 'off',
    exitCode: 1,
    parsed: 'error',
    expect: 'completion-code',
  },
];

export function readIpmitoolFixture(file: string): string {
  return fs.readFileSync(path.join(IPMITOOL_FIXTURE_DIR, file), 'utf8');
}
