// Pure interpretation of what `ipmitool ... chassis power <cmd>` printed (stdout and stderr
// combined). Kept apart from the process handling so that it is tested line by line against
// fixture files captured from real ipmitool runs (test/fixtures/ipmitool/).
//
// Lines ipmitool 1.8.19 prints (lib/ipmi_chassis.c, src/plugins/lanplus/lanplus.c):
//   Chassis Power is on|off                                   status answer
//   Chassis Power Control: Up/On|Down/Off|Cycle|Reset|...      control answer
//   Error: Unable to establish IPMI v2 / RMCP+ session         no session (down, wrong
//                                                              credentials, wrong cipher suite)
//   Error in open session response message : <why>            the BMC's reason, when it gave one
//   Unable to get Chassis Power Status                         session up, then no answer
//   Unable to set Chassis Power Control to <what>
//   Get Chassis Power Status failed: <completion code>          the BMC answered with an error
//   Set Chassis Power Control to <what> failed: <completion code>
//   Unable to read password from environment                   -E without IPMI_PASSWORD
// Anything else is 'unexpected-output'. The parser never throws.

import type { ChassisCommand } from './types';

export type ControlAction = 'on' | 'off' | 'cycle' | 'reset' | 'diag' | 'soft';

export type IpmitoolErrorReason =
  | 'session' // no RMCP+ session: BMC unreachable, wrong user/password/cipher suite
  | 'no-response' // session established, the chassis command got no answer
  | 'completion-code' // the BMC refused the command (IPMI completion code)
  | 'no-password' // -E given but IPMI_PASSWORD was not in the environment
  | 'unexpected-output' // ipmitool printed something this parser does not know
  | 'empty'; // ipmitool printed nothing

export type ParsedChassisOutput =
  | { kind: 'power-status'; power: 'on' | 'off' }
  | { kind: 'power-control'; action: ControlAction }
  | { kind: 'error'; reason: IpmitoolErrorReason; message: string };

const CONTROL_NAMES: Record<string, ControlAction> = {
  'Up/On': 'on',
  'Down/Off': 'off',
  Cycle: 'cycle',
  Reset: 'reset',
  Diag: 'diag',
  Soft: 'soft',
};

/** Classifies the output without knowing which command produced it. */
export function parseChassisOutput(text: string): ParsedChassisOutput {
  const lines = String(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // An answer line wins over trailing noise such as "Close Session command failed".
  for (const line of lines) {
    const status = /^Chassis Power is (on|off)$/.exec(line);
    if (status) {
      return { kind: 'power-status', power: status[1] as 'on' | 'off' };
    }
    const control = /^Chassis Power Control: (.+)$/.exec(line);
    if (control && CONTROL_NAMES[control[1]] !== undefined) {
      return { kind: 'power-control', action: CONTROL_NAMES[control[1]] };
    }
  }
  if (lines.length === 0) {
    return { kind: 'error', reason: 'empty', message: 'ipmitool printed nothing' };
  }
  return classifyError(lines);
}

function classifyError(lines: string[]): ParsedChassisOutput {
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const missingPassword = find(/^Unable to read password from environment/);
  if (missingPassword) {
    return { kind: 'error', reason: 'no-password', message: missingPassword };
  }
  const refused = find(/^(Get Chassis Power Status|Set Chassis Power Control to .+) failed: .+$/);
  if (refused) {
    return { kind: 'error', reason: 'completion-code', message: refused };
  }
  const noAnswer = find(/^Unable to (get Chassis Power Status|set Chassis Power Control to .+)$/);
  if (noAnswer) {
    return { kind: 'error', reason: 'no-response', message: noAnswer };
  }
  const session = find(/^Error: Unable to establish IPMI v2 \/ RMCP\+ session$/);
  if (session) {
    // The BMC's own reason (e.g. "invalid authentication algorithm" for a wrong cipher suite) is
    // more useful to an operator than the generic line, so it is appended when present.
    const why = find(/^Error in open session response message : .+$/);
    return { kind: 'error', reason: 'session', message: why ? `${session} (${why.replace(/^.*: /, '')})` : session };
  }
  return { kind: 'error', reason: 'unexpected-output', message: lines[0].slice(0, 200) };
}

export type ChassisInterpretation =
  { ok: true; power?: 'on' | 'off' } | { ok: false; reason: IpmitoolErrorReason; message: string };

const EXPECTED_ACTION: Record<Exclude<ChassisCommand, 'status'>, ControlAction> = {
  on: 'on',
  off: 'off',
  cycle: 'cycle',
  reset: 'reset',
  diag: 'diag',
};

/** Did `command` succeed, judging by its output? A well-formed answer to another command is not success. */
export function interpretChassisOutput(command: ChassisCommand, text: string): ChassisInterpretation {
  const parsed = parseChassisOutput(text);
  if (parsed.kind === 'error') {
    return { ok: false, reason: parsed.reason, message: parsed.message };
  }
  if (command === 'status') {
    return parsed.kind === 'power-status'
      ? { ok: true, power: parsed.power }
      : { ok: false, reason: 'unexpected-output', message: `expected a power status, got control ${parsed.action}` };
  }
  if (parsed.kind === 'power-control' && parsed.action === EXPECTED_ACTION[command]) {
    return { ok: true };
  }
  const got = parsed.kind === 'power-control' ? `control ${parsed.action}` : `power status ${parsed.power}`;
  return { ok: false, reason: 'unexpected-output', message: `expected power control ${command}, got ${got}` };
}
