// The ipmitool output parser against output captured from real ipmitool runs.
import fs from 'node:fs';
import { interpretChassisOutput, parseChassisOutput } from '../../../backend/bmc/ipmitool-output';
import type { ChassisCommand } from '../../../backend/bmc/types';
import { IPMITOOL_FIXTURE_DIR, IPMITOOL_FIXTURES, readIpmitoolFixture } from './ipmitool-fixtures';

describe('ipmitool output fixtures', () => {
  test('every fixture file is listed (and every listed file exists)', () => {
    const files = fs.readdirSync(IPMITOOL_FIXTURE_DIR).filter((f) => f.endsWith('.txt'));
    expect(files.sort()).toEqual(IPMITOOL_FIXTURES.map((f) => f.file).sort());
  });

  test.each(IPMITOOL_FIXTURES)('$file: $parsed $expect', (fx) => {
    const parsed = parseChassisOutput(readIpmitoolFixture(fx.file));
    expect(parsed.kind).toBe(fx.parsed);
    if (parsed.kind === 'power-status') {
      expect(parsed.power).toBe(fx.expect);
    } else if (parsed.kind === 'power-control') {
      expect(parsed.action).toBe(fx.expect);
    } else {
      expect(parsed.reason).toBe(fx.expect);
      expect(parsed.message.length).toBeGreaterThan(0);
    }
    const verdict = interpretChassisOutput(fx.command, readIpmitoolFixture(fx.file));
    expect(verdict.ok).toBe(fx.exitCode === 0);
  });

  test('error messages carry the line an operator needs', () => {
    const message = (file: string) => {
      const p = parseChassisOutput(readIpmitoolFixture(file));
      return p.kind === 'error' ? p.message : '';
    };
    expect(message('error-session-cipher-suite.txt')).toBe(
      'Error: Unable to establish IPMI v2 / RMCP+ session (invalid authentication algorithm)'
    );
    expect(message('error-status-completion-code.txt')).toBe('Get Chassis Power Status failed: Unspecified error');
    expect(message('error-control-no-response.txt')).toBe('Unable to set Chassis Power Control to Down/Off');
    expect(message('error-no-password.txt')).toBe('Unable to read password from environment');
  });
});

describe('interpretChassisOutput', () => {
  test('an answer to another command is not success', () => {
    expect(interpretChassisOutput('off', readIpmitoolFixture('power-on.txt'))).toEqual({
      ok: false,
      reason: 'unexpected-output',
      message: 'expected power control off, got control on',
    });
    expect(interpretChassisOutput('status', readIpmitoolFixture('power-off.txt'))).toMatchObject({
      ok: false,
      reason: 'unexpected-output',
    });
    expect(interpretChassisOutput('reset', readIpmitoolFixture('power-status-on.txt'))).toMatchObject({ ok: false });
  });

  test.each<[ChassisCommand, string]>([
    ['status', 'power-status-on.txt'],
    ['off', 'power-off.txt'],
    ['on', 'power-on.txt'],
    ['cycle', 'power-cycle.txt'],
    ['reset', 'power-reset.txt'],
  ])('%s succeeds on %s', (command, file) => {
    expect(interpretChassisOutput(command, readIpmitoolFixture(file)).ok).toBe(true);
  });

  test('an answer line wins over trailing noise and CRLF line ends', () => {
    expect(parseChassisOutput('Chassis Power is off\r\nClose Session command failed\r\n')).toEqual({
      kind: 'power-status',
      power: 'off',
    });
  });

  test('nothing, unknown text and binary junk are errors, not exceptions', () => {
    expect(parseChassisOutput('')).toMatchObject({ kind: 'error', reason: 'empty' });
    expect(parseChassisOutput('  \n\n')).toMatchObject({ kind: 'error', reason: 'empty' });
    expect(parseChassisOutput('Segmentation fault')).toEqual({
      kind: 'error',
      reason: 'unexpected-output',
      message: 'Segmentation fault',
    });
    expect(parseChassisOutput('Chassis Power is maybe')).toMatchObject({ reason: 'unexpected-output' });
    expect(parseChassisOutput('Chassis Power Control: Sideways')).toMatchObject({ reason: 'unexpected-output' });
    expect(parseChassisOutput('x'.repeat(10_000)).kind).toBe('error');
    expect(parseChassisOutput(Buffer.from([0, 255, 10, 13]).toString('latin1')).kind).toBe('error');
    expect(parseChassisOutput(undefined as unknown as string)).toMatchObject({ kind: 'error' });
  });
});
