import {
  classifyPet,
  decodePet,
  decodeSpecific,
  PET_DATA_OID,
  PET_ENTERPRISE_OID,
  specificFromTrapOid,
} from '../../../backend/traps/pet';

describe('PET specific trap number', () => {
  test('880385 = 0x0D6F01: drive slot, sensor-specific, drive fault, asserted -> fatal', () => {
    const pet = decodePet({ specific: 880385 });
    expect(pet).toEqual({
      specific: 0x0d6f01,
      sensorType: 0x0d,
      sensorTypeName: 'Drive Slot (Bay)',
      eventType: 0x6f,
      eventTypeName: 'sensor-specific',
      eventCategory: 'sensor-specific',
      direction: 'assertion',
      offset: 1,
      offsetSpecified: true,
      offsetName: 'Drive Fault',
      description: 'Drive Slot (Bay): Drive Fault',
      data: undefined,
      warnings: [],
    });
    const c = classifyPet(pet);
    expect(c.classification).toBe('fatal');
    expect(c.rule).toBe('fatal-event');
    expect(c.reason).toBe('fatal event: drive fault (sensor type 0x0D, event type 0x6F, offset 0x01)');
  });

  test('262402 = 0x040102: fan, threshold, lower critical going low, asserted -> fatal', () => {
    const pet = decodePet({ specific: 262402 });
    expect(pet).toEqual({
      specific: 0x040102,
      sensorType: 0x04,
      sensorTypeName: 'Fan',
      eventType: 0x01,
      eventTypeName: 'threshold',
      eventCategory: 'threshold',
      direction: 'assertion',
      offset: 2,
      offsetSpecified: true,
      offsetName: 'Lower Critical going low',
      description: 'Fan: Lower Critical going low',
      data: undefined,
      warnings: [],
    });
    // No data varbind: severity unspecified, so the event table decides. A critical threshold
    // crossing is on the default fatal list (whatever severity the BMC attaches).
    const c = classifyPet(pet);
    expect(c.classification).toBe('fatal');
    expect(c.rule).toBe('fatal-event');
    expect(c.reason).toBe(
      'fatal event: threshold: lower critical going low (sensor type 0x04, event type 0x01, offset 0x02)'
    );
  });

  test('262530 = 0x040182: the same fan event, deasserted (cleared) -> informational', () => {
    const pet = decodePet({ specific: 262530 });
    expect(pet).toEqual({
      specific: 0x040182,
      sensorType: 0x04,
      sensorTypeName: 'Fan',
      eventType: 0x01,
      eventTypeName: 'threshold',
      eventCategory: 'threshold',
      direction: 'deassertion',
      offset: 2,
      offsetSpecified: true,
      offsetName: 'Lower Critical going low',
      description: 'Fan: Lower Critical going low (cleared)',
      data: undefined,
      warnings: [],
    });
    expect(classifyPet(pet)).toEqual({
      classification: 'informational',
      reason: 'cleared (deassertion)',
      rule: 'deassertion',
    });
  });

  test('offset 0xF is "unspecified"', () => {
    const pet = decodePet({ specific: 0x076f0f });
    expect(pet.offset).toBe(15);
    expect(pet.offsetSpecified).toBe(false);
    expect(pet.offsetName).toBe('unspecified offset');
    expect(pet.description).toBe('Processor: unspecified offset');
  });

  test('OEM and reserved codes get readable fallbacks', () => {
    const pet = decodePet({ specific: 0xc57305 });
    expect(pet.sensorTypeName).toBe('sensor type 0xC5 (OEM)');
    expect(pet.eventTypeName).toBe('event type 0x73 (OEM)');
    expect(pet.eventCategory).toBe('oem');
    expect(pet.offsetName).toBe('OEM offset 5');
    const reserved = decodePet({ specific: 0x9a4005 });
    expect(reserved.sensorTypeName).toBe('sensor type 0x9A (reserved)');
    expect(reserved.eventTypeName).toBe('event type 0x40 (reserved)');
    expect(reserved.eventCategory).toBe('reserved');
    expect(reserved.offsetName).toBe('offset 5');
  });

  test('odd numbers are normalised with warnings, never thrown', () => {
    const w: string[] = [];
    expect(decodeSpecific(-1, w)).toEqual({
      specific: 0xffffffff,
      sensorType: 0xff,
      eventType: 0xff,
      direction: 'deassertion',
      offset: 15,
      offsetSpecified: false,
    });
    expect(w).toEqual([
      'specific trap number -1 is outside 0..0xFFFFFFFF; low 32 bits used',
      'specific trap number has bits 31-24 set (not PET); they are ignored',
      'specific trap number has reserved bits 6-4 set; they are ignored',
    ]);

    const nan = decodePet({ specific: NaN });
    expect(nan.specific).toBe(0);
    expect(nan.sensorTypeName).toBe('Unspecified');
    expect(nan.eventCategory).toBe('unspecified');
    expect(nan.warnings).toEqual(['specific trap number is not a finite number; decoded as 0']);

    const frac = decodePet({ specific: 880385.7 });
    expect(frac.specific).toBe(880385);
    expect(frac.warnings).toEqual(['specific trap number is not an integer; fraction dropped']);

    // A receiver bug handing over a string or no object at all still yields the fields.
    expect(decodePet({ specific: '880385' as unknown as number }).offsetName).toBe('Drive Fault');
    const none = decodePet(undefined as unknown as { specific: number });
    expect(none.specific).toBe(0);
    expect(none.warnings[0]).toBe('PET input is not an object');
  });
});

describe('v2c snmpTrapOID form', () => {
  test('constants', () => {
    expect(PET_ENTERPRISE_OID).toBe('1.3.6.1.4.1.3183.1.1');
    expect(PET_DATA_OID).toBe('1.3.6.1.4.1.3183.1.1.1');
  });

  test.each([
    ['1.3.6.1.4.1.3183.1.1.0.880385', 880385],
    ['.1.3.6.1.4.1.3183.1.1.0.262402', 262402],
    ['1.3.6.1.4.1.3183.1.1.0.0', 0],
    ['1.3.6.1.4.1.3183.1.1.0.4294967295', 4294967295],
  ])('%s -> %d', (oid, specific) => {
    expect(specificFromTrapOid(oid)).toBe(specific);
  });

  test.each([
    '1.3.6.1.4.1.3183.1.1.0',
    '1.3.6.1.4.1.3183.1.1.0.',
    '1.3.6.1.4.1.3183.1.1.1',
    '1.3.6.1.4.1.3183.1.1.0.12a',
    '1.3.6.1.4.1.3183.1.1.0.-5',
    '1.3.6.1.4.1.3183.1.1.0.1.2',
    '1.3.6.1.4.1.3183.1.1.0.4294967296',
    '1.3.6.1.4.1.3183.1.1.0.12345678901',
    '1.3.6.1.4.1.674.10892.5.3.2.1.0.2102',
    '1.3.6.1.4.1.3183.1.10.0.5',
    '',
  ])('%s -> undefined', (oid) => {
    expect(specificFromTrapOid(oid)).toBeUndefined();
  });

  test('non-string input -> undefined', () => {
    expect(specificFromTrapOid(undefined as unknown as string)).toBeUndefined();
  });
});
