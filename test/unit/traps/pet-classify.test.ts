import {
  classifyPet,
  decodePet,
  DEFAULT_CLASSIFICATION,
  PetClassificationRules,
  resolveClassificationRules,
  SEVERITY,
} from '../../../backend/traps/pet';
import { FIXTURES, loadPetFixture } from './pet-fixtures';

/** A decoded PET for (sensor type, event type, offset, direction) with the given severity byte. */
function pet(sensorType: number, eventType: number, offset: number, severity?: number, deasserted = false) {
  const specific = (sensorType << 16) | (eventType << 8) | (deasserted ? 0x80 : 0) | offset;
  const decoded = decodePet({ specific });
  return severity === undefined ? decoded : { ...decoded, data: { severity } };
}

const SS = 0x6f;

describe('classifyPet with the defaults', () => {
  test.each([
    ['processor IERR', 0x07, SS, 0x00],
    ['processor thermal trip', 0x07, SS, 0x01],
    ['processor machine check exception (uncorrectable)', 0x07, SS, 0x0b],
    ['memory uncorrectable ECC', 0x0c, SS, 0x01],
    ['power supply failure detected', 0x08, SS, 0x01],
    ['drive fault', 0x0d, SS, 0x01],
    ['critical interrupt: bus uncorrectable error', 0x13, SS, 0x08],
    ['critical interrupt: fatal NMI', 0x13, SS, 0x09],
    ['critical interrupt: bus fatal error', 0x13, SS, 0x0a],
    ['watchdog 2: hard reset', 0x23, SS, 0x01],
    ['watchdog 2: power down', 0x23, SS, 0x02],
    ['watchdog 2: power cycle', 0x23, SS, 0x03],
    ['threshold: lower critical going low', 0x02, 0x01, 0x02],
    ['threshold: lower non-recoverable going low', 0x01, 0x01, 0x04],
    ['threshold: upper critical going high', 0x01, 0x01, 0x09],
    ['threshold: upper non-recoverable going high', 0x02, 0x01, 0x0b],
  ])('%s is fatal whatever the severity (here: Information)', (label, s, e, o) => {
    const c = classifyPet(pet(s, e, o, SEVERITY.INFORMATION));
    expect(c.classification).toBe('fatal');
    expect(c.rule).toBe('fatal-event');
    expect(c.matched?.label).toBe(label);
    expect(c.reason.startsWith('fatal event: ' + label + ' (sensor type ')).toBe(true);
  });

  test('every default fatal event is fatal with severity unspecified, OK, or absent', () => {
    for (const r of DEFAULT_CLASSIFICATION.fatalEvents) {
      const s = r.sensorType ?? 0x01;
      for (const sev of [SEVERITY.UNSPECIFIED, SEVERITY.OK, undefined]) {
        expect([r.label, classifyPet(pet(s, r.eventType as number, r.offset as number, sev)).classification]).toEqual([
          r.label,
          'fatal',
        ]);
      }
      // ...and informational once cleared.
      expect(classifyPet(pet(s, r.eventType as number, r.offset as number, SEVERITY.CRITICAL, true)).rule).toBe(
        'deassertion'
      );
    }
    expect(DEFAULT_CLASSIFICATION.fatalEvents).toHaveLength(37);
  });

  test('every default recoverable event is recoverable unless the severity is fatal', () => {
    for (const r of DEFAULT_CLASSIFICATION.recoverableEvents) {
      const s = r.sensorType ?? 0x02;
      const e = r.eventType as number;
      const o = r.offset as number;
      expect([r.label, classifyPet(pet(s, e, o, SEVERITY.INFORMATION)).rule]).toEqual([r.label, 'recoverable-event']);
      expect([r.label, classifyPet(pet(s, e, o)).classification]).toEqual([r.label, 'recoverable']);
      expect([r.label, classifyPet(pet(s, e, o, SEVERITY.CRITICAL)).rule]).toEqual([r.label, 'fatal-severity']);
    }
    expect(DEFAULT_CLASSIFICATION.recoverableEvents).toHaveLength(49);
  });

  test('predictive failure / performance degradation are recoverable', () => {
    expect(classifyPet(pet(0x08, SS, 0x02, SEVERITY.OK)).reason).toBe(
      'recoverable event: power supply predictive failure (sensor type 0x08, event type 0x6F, offset 0x02)'
    );
    expect(classifyPet(pet(0x0d, SS, 0x02)).matched?.label).toBe('drive predictive failure');
    expect(classifyPet(pet(0x15, 0x04, 0x01)).matched?.label).toBe('predictive failure asserted');
    expect(classifyPet(pet(0x07, 0x06, 0x01)).matched?.label).toBe('performance lags');
    expect(classifyPet(pet(0x0c, SS, 0x00, SEVERITY.MONITOR)).matched?.label).toBe('memory correctable ECC');
  });

  test('severity decides for events on neither list', () => {
    // Power button pressed (0x14/0x00) is on no list.
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.CRITICAL))).toEqual({
      classification: 'fatal',
      reason: 'severity Critical (0x10)',
      rule: 'fatal-severity',
    });
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.NON_RECOVERABLE))).toEqual({
      classification: 'fatal',
      reason: 'severity Non-recoverable (0x20)',
      rule: 'fatal-severity',
    });
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.NON_CRITICAL))).toEqual({
      classification: 'recoverable',
      reason: 'severity Non-critical (0x08)',
      rule: 'recoverable-severity',
    });
    for (const [sev, name] of [
      [SEVERITY.MONITOR, 'Monitor'],
      [SEVERITY.INFORMATION, 'Information'],
      [SEVERITY.OK, 'OK'],
    ] as const) {
      expect(classifyPet(pet(0x14, SS, 0x00, sev))).toEqual({
        classification: 'informational',
        reason: `severity ${name} (0x0${sev})`,
        rule: 'default',
      });
    }
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.UNSPECIFIED))).toEqual({
      classification: 'informational',
      reason: 'severity unspecified and no fatal or recoverable event rule matched',
      rule: 'default',
    });
    // An undefined multi-bit severity byte is not a listed value: no severity rule applies.
    expect(classifyPet(pet(0x14, SS, 0x00, 0x18)).rule).toBe('default');
  });

  test('deassertion is informational even with a critical severity', () => {
    const bytes = Buffer.from(loadPetFixture(FIXTURES.full));
    const cleared = decodePet({ specific: 0x076f80, data: bytes });
    expect(cleared.direction).toBe('deassertion');
    expect(cleared.data?.severity).toBe(0x10);
    expect(classifyPet(cleared)).toEqual({
      classification: 'informational',
      reason: 'cleared (deassertion)',
      rule: 'deassertion',
    });
  });

  test('a Dell chassis intrusion with severity critical is fatal by severity', () => {
    const d = decodePet({ specific: 356096, data: loadPetFixture(FIXTURES.dell) });
    expect(classifyPet(d)).toEqual({
      classification: 'fatal',
      reason: 'severity Critical (0x10)',
      rule: 'fatal-severity',
    });
  });

  test('the defaults are serialisable and frozen', () => {
    const copy = JSON.parse(JSON.stringify(DEFAULT_CLASSIFICATION)) as PetClassificationRules;
    expect(copy).toEqual(DEFAULT_CLASSIFICATION);
    expect(copy.fatalSeverities).toEqual([0x10, 0x20]);
    expect(copy.recoverableSeverities).toEqual([0x08]);
    expect(copy.informationalEvents).toEqual([]);
    expect(Object.isFrozen(DEFAULT_CLASSIFICATION)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CLASSIFICATION.fatalEvents[0])).toBe(true);
    // The same rules, from JSON, classify the same way.
    expect(classifyPet(pet(0x0d, SS, 0x01), copy).classification).toBe('fatal');
  });
});

describe('classifyPet with overrides', () => {
  test('a replaced fatal event list: only the listed events are fatal-events', () => {
    const rules = resolveClassificationRules({
      fatalEvents: [{ sensorType: 0x04, eventType: 0x01, offset: 0x00, label: 'fan below non-critical' }],
    });
    expect(classifyPet(pet(0x04, 0x01, 0x00, SEVERITY.INFORMATION), rules)).toEqual({
      classification: 'fatal',
      reason: 'fatal event: fan below non-critical (sensor type 0x04, event type 0x01, offset 0x00)',
      rule: 'fatal-event',
      matched: { sensorType: 0x04, eventType: 0x01, offset: 0x00, label: 'fan below non-critical' },
    });
    // Drive fault is no longer listed: unspecified severity gives informational...
    expect(classifyPet(pet(0x0d, SS, 0x01), rules).classification).toBe('informational');
    // ...a critical severity still makes it fatal (fatalSeverities kept their default).
    expect(classifyPet(pet(0x0d, SS, 0x01, SEVERITY.CRITICAL), rules).rule).toBe('fatal-severity');
    // A temperature sensor at the same threshold offset does not match the fan-only rule.
    expect(classifyPet(pet(0x01, 0x01, 0x00, SEVERITY.OK), rules).rule).toBe('recoverable-event');
  });

  test('rules without a label are described from the tables', () => {
    const c = classifyPet(pet(0x29, SS, 0x02), { fatalEvents: [{ sensorType: 0x29, offset: 0x02 }] });
    expect(c.reason).toBe(
      'fatal event: Battery: Battery presence detected (sensor type 0x29, event type 0x6F, offset 0x02)'
    );
  });

  test('empty severity lists switch severity rules off', () => {
    const rules: Partial<PetClassificationRules> = { fatalSeverities: [], recoverableSeverities: [] };
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.CRITICAL), rules)).toEqual({
      classification: 'informational',
      reason: 'severity Critical (0x10)',
      rule: 'default',
    });
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.NON_CRITICAL), rules).classification).toBe('informational');
    // Event lists still apply (missing keys keep the defaults).
    expect(classifyPet(pet(0x07, SS, 0x00, SEVERITY.OK), rules).classification).toBe('fatal');
  });

  test('custom severities: treat non-critical as fatal', () => {
    const rules = { fatalSeverities: [0x08, 0x10, 0x20] };
    expect(classifyPet(pet(0x14, SS, 0x00, SEVERITY.NON_CRITICAL), rules).rule).toBe('fatal-severity');
  });

  test('informationalEvents silence a noisy sensor whatever its severity', () => {
    const rules = { informationalEvents: [{ sensorType: 0x05, eventType: SS, label: 'chassis intrusion (lab rack)' }] };
    const d = decodePet({ specific: 356096, data: loadPetFixture(FIXTURES.dell) });
    expect(classifyPet(d, rules)).toEqual({
      classification: 'informational',
      reason: 'informational event: chassis intrusion (lab rack) (sensor type 0x05, event type 0x6F, offset 0x00)',
      rule: 'informational-event',
      matched: { sensorType: 0x05, eventType: SS, label: 'chassis intrusion (lab rack)' },
    });
  });

  test('eventType is optional: an omitted field matches any value', () => {
    const rules = { fatalEvents: [{ sensorType: 0xc0 }] };
    expect(classifyPet(pet(0xc0, 0x70, 0x03), rules).rule).toBe('fatal-event');
    expect(classifyPet(pet(0xc0, SS, 0x0f), rules).rule).toBe('fatal-event');
    expect(classifyPet(pet(0xc1, 0x70, 0x03), rules).rule).toBe('default');
  });

  test('recoverable events override', () => {
    const rules = { recoverableEvents: [{ sensorType: 0x29, eventType: SS, offset: 0x02 }] };
    expect(classifyPet(pet(0x29, SS, 0x02, SEVERITY.INFORMATION), rules).rule).toBe('recoverable-event');
    // Battery low is not in the replaced list any more.
    expect(classifyPet(pet(0x29, SS, 0x00, SEVERITY.INFORMATION), rules).rule).toBe('default');
  });

  test('resolveClassificationRules fills missing keys from the defaults', () => {
    expect(resolveClassificationRules()).toEqual(DEFAULT_CLASSIFICATION);
    expect(resolveClassificationRules(null)).toEqual(DEFAULT_CLASSIFICATION);
    const r = resolveClassificationRules({ recoverableSeverities: [] });
    expect(r.recoverableSeverities).toEqual([]);
    expect(r.fatalSeverities).toBe(DEFAULT_CLASSIFICATION.fatalSeverities);
    expect(r.fatalEvents).toBe(DEFAULT_CLASSIFICATION.fatalEvents);
  });
});
