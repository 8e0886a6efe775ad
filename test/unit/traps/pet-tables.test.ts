import {
  entityName,
  eventCategory,
  eventTypeName,
  manufacturerName,
  offsetName,
  sensorTypeName,
  severityName,
  sourceTypeName,
} from '../../../backend/traps/pet';

const SS = 0x6f;

describe('IPMI code tables', () => {
  test('sensor types: every code of Table 42-3, then reserved and OEM fallbacks', () => {
    expect(sensorTypeName(0x01)).toBe('Temperature');
    expect(sensorTypeName(0x04)).toBe('Fan');
    expect(sensorTypeName(0x07)).toBe('Processor');
    expect(sensorTypeName(0x0d)).toBe('Drive Slot (Bay)');
    expect(sensorTypeName(0x23)).toBe('Watchdog 2');
    expect(sensorTypeName(0x2c)).toBe('FRU State');
    for (let c = 0x01; c <= 0x2c; c++) {
      expect(sensorTypeName(c).startsWith('sensor type')).toBe(false);
    }
    expect(sensorTypeName(0x2d)).toBe('sensor type 0x2D (reserved)');
    expect(sensorTypeName(0x9a)).toBe('sensor type 0x9A (reserved)');
    expect(sensorTypeName(0xbf)).toBe('sensor type 0xBF (reserved)');
    expect(sensorTypeName(0xc0)).toBe('sensor type 0xC0 (OEM)');
    expect(sensorTypeName(0xff)).toBe('sensor type 0xFF (OEM)');
  });

  test('event/reading types and their categories', () => {
    expect([eventTypeName(0x01), eventCategory(0x01)]).toEqual(['threshold', 'threshold']);
    expect([eventTypeName(0x03), eventCategory(0x03)]).toEqual(['generic: digital discrete (state)', 'generic']);
    expect([eventTypeName(0x0b), eventCategory(0x0b)]).toEqual(['generic: redundancy', 'generic']);
    expect([eventTypeName(0x0c), eventCategory(0x0c)]).toEqual(['generic: ACPI device power state', 'generic']);
    expect([eventTypeName(0x0d), eventCategory(0x0d)]).toEqual(['event type 0x0D (reserved)', 'reserved']);
    expect([eventTypeName(SS), eventCategory(SS)]).toEqual(['sensor-specific', 'sensor-specific']);
    expect([eventTypeName(0x70), eventCategory(0x70)]).toEqual(['event type 0x70 (OEM)', 'oem']);
    expect([eventTypeName(0x7f), eventCategory(0x7f)]).toEqual(['event type 0x7F (OEM)', 'oem']);
    expect([eventTypeName(0x80), eventCategory(0x80)]).toEqual(['event type 0x80 (reserved)', 'reserved']);
  });

  test('threshold offsets 0x00..0x0B', () => {
    const names = Array.from({ length: 12 }, (_, o) => offsetName(0x01, 0x01, o));
    expect(names).toEqual([
      'Lower Non-critical going low',
      'Lower Non-critical going high',
      'Lower Critical going low',
      'Lower Critical going high',
      'Lower Non-recoverable going low',
      'Lower Non-recoverable going high',
      'Upper Non-critical going low',
      'Upper Non-critical going high',
      'Upper Critical going low',
      'Upper Critical going high',
      'Upper Non-recoverable going low',
      'Upper Non-recoverable going high',
    ]);
    expect(offsetName(0x01, 0x01, 0x0c)).toBe('offset 12');
    expect(offsetName(0x01, 0x01, 0x0f)).toBe('unspecified offset');
  });

  test('generic offsets of 0x02-0x0C (the sensor type does not matter)', () => {
    expect(offsetName(0x15, 0x02, 0x02)).toBe('Transition to Busy');
    expect(offsetName(0x15, 0x03, 0x01)).toBe('State Asserted');
    expect(offsetName(0x15, 0x04, 0x01)).toBe('Predictive Failure asserted');
    expect(offsetName(0x15, 0x05, 0x01)).toBe('Limit Exceeded');
    expect(offsetName(0x15, 0x06, 0x01)).toBe('Performance Lags');
    expect(offsetName(0x15, 0x07, 0x06)).toBe('transition to Non-recoverable');
    expect(offsetName(0x15, 0x07, 0x08)).toBe('Informational');
    expect(offsetName(0x15, 0x08, 0x00)).toBe('Device Removed / Device Absent');
    expect(offsetName(0x15, 0x09, 0x01)).toBe('Device Enabled');
    expect(offsetName(0x15, 0x0a, 0x08)).toBe('Install Error');
    expect(offsetName(0x08, 0x0b, 0x01)).toBe('Redundancy Lost');
    expect(offsetName(0x08, 0x0b, 0x07)).toBe('Redundancy Degraded from Non-redundant');
    expect(offsetName(0x15, 0x0c, 0x03)).toBe('D3 Power State');
    expect(offsetName(0x15, 0x0c, 0x04)).toBe('offset 4');
  });

  test.each([
    // processor
    [0x07, 0x00, 'IERR'],
    [0x07, 0x01, 'Thermal Trip'],
    [0x07, 0x02, 'FRB1/BIST failure'],
    [0x07, 0x03, 'FRB2/Hang in POST failure'],
    [0x07, 0x04, 'FRB3/Processor Startup/Initialization failure'],
    [0x07, 0x05, 'Configuration Error'],
    [0x07, 0x07, 'Processor Presence detected'],
    [0x07, 0x08, 'Processor disabled'],
    [0x07, 0x0a, 'Processor Automatically Throttled'],
    [0x07, 0x0b, 'Machine Check Exception (Uncorrectable)'],
    [0x07, 0x0c, 'Correctable Machine Check Error'],
    // power supply
    [0x08, 0x00, 'Presence detected'],
    [0x08, 0x01, 'Power Supply Failure detected'],
    [0x08, 0x02, 'Predictive Failure'],
    [0x08, 0x03, 'Power Supply input lost (AC/DC)'],
    [0x08, 0x06, 'Configuration error'],
    // power unit
    [0x09, 0x04, 'AC lost / Power input lost'],
    [0x09, 0x06, 'Power Unit Failure detected'],
    // memory
    [0x0c, 0x00, 'Correctable ECC / other correctable memory error'],
    [0x0c, 0x01, 'Uncorrectable ECC / other uncorrectable memory error'],
    [0x0c, 0x02, 'Parity'],
    [0x0c, 0x03, 'Memory Scrub Failed (stuck bit)'],
    [0x0c, 0x04, 'Memory Device Disabled'],
    [0x0c, 0x05, 'Correctable ECC / other correctable memory error logging limit reached'],
    [0x0c, 0x06, 'Presence detected'],
    [0x0c, 0x07, 'Configuration error'],
    [0x0c, 0x08, 'Spare'],
    [0x0c, 0x09, 'Memory Automatically Throttled'],
    [0x0c, 0x0a, 'Critical Overtemperature'],
    // drive slot
    [0x0d, 0x00, 'Drive Presence'],
    [0x0d, 0x01, 'Drive Fault'],
    [0x0d, 0x02, 'Predictive Failure'],
    [0x0d, 0x03, 'Hot Spare'],
    [0x0d, 0x04, 'Consistency Check / Parity Check in progress'],
    [0x0d, 0x05, 'In Critical Array'],
    [0x0d, 0x06, 'In Failed Array'],
    [0x0d, 0x07, 'Rebuild/Remap in progress'],
    [0x0d, 0x08, 'Rebuild/Remap Aborted'],
    // others required by the brief
    [0x0f, 0x01, 'System Firmware Hang'],
    [0x10, 0x04, 'SEL Full'],
    [0x12, 0x02, 'Undetermined system hardware failure'],
    [0x13, 0x08, 'Bus Uncorrectable Error'],
    [0x13, 0x09, 'Fatal NMI (port 61h, bit 7)'],
    [0x14, 0x00, 'Power Button pressed'],
    [0x19, 0x01, 'Thermal Trip'],
    [0x1b, 0x01, 'Configuration Error - Incorrect cable connected / Incorrect interconnection'],
    [0x20, 0x01, 'Run-time Critical Stop'],
    [0x23, 0x00, 'Timer expired, status only'],
    [0x23, 0x01, 'Hard Reset'],
    [0x23, 0x02, 'Power Down'],
    [0x23, 0x03, 'Power Cycle'],
    [0x23, 0x04, 'offset 4'],
    [0x23, 0x08, 'Timer interrupt'],
    [0x24, 0x02, 'Platform Event Trap generated'],
    [0x25, 0x01, 'Entity Absent'],
    [0x28, 0x02, 'Management controller off-line'],
    [0x29, 0x01, 'Battery failed'],
    [0x2c, 0x07, 'FRU Communication Lost'],
    // no sensor-specific table / beyond a table
    [0x04, 0x05, 'offset 5'],
    [0x0d, 0x09, 'offset 9'],
    [0xc3, 0x02, 'offset 2'],
    [0x22, 0x0d, 'offset 13'],
    [0x22, 0x0e, 'Unknown'],
  ])('sensor-specific: sensor type %i, offset %i -> %s', (s, o, name) => {
    expect(offsetName(s, SS, o)).toBe(name);
  });

  test('OEM event types name offsets generically', () => {
    expect(offsetName(0x07, 0x72, 0x00)).toBe('OEM offset 0');
    expect(offsetName(0x07, 0x72, 0x0f)).toBe('unspecified offset');
  });

  test('PET field names: severity, source type, entity, manufacturer', () => {
    expect([0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40].map(severityName)).toEqual([
      'Unspecified',
      'Monitor',
      'Information',
      'OK',
      'Non-critical',
      'Critical',
      'Non-recoverable',
      'unknown severity 0x40',
    ]);
    expect(sourceTypeName(0x00)).toBe('Platform Firmware (e.g. BIOS)');
    expect(sourceTypeName(0x08)).toBe('SMI Handler');
    expect(sourceTypeName(0x20)).toBe('IPMI');
    expect(sourceTypeName(0x27)).toBe('IPMI');
    expect(sourceTypeName(0x58)).toBe('System Management Card');
    expect(sourceTypeName(0x60)).toBe('reserved source type 0x60');
    expect(entityName(0x03)).toBe('processor');
    expect(entityName(0x07)).toBe('system board');
    expect(entityName(0x08)).toBe('memory module');
    expect(entityName(0x0a)).toBe('power supply');
    expect(entityName(0x1d)).toBe('fan / cooling device');
    expect(entityName(0x1a)).toBe('disk drive bay');
    expect(entityName(0x36)).toBe('entity 0x36 (reserved)');
    expect(entityName(0x95)).toBe('chassis-specific entity 0x95');
    expect(entityName(0xb0)).toBe('board-set specific entity 0xB0');
    expect(entityName(0xd0)).toBe('OEM entity 0xD0');
    expect(manufacturerName(674)).toBe('Dell');
    expect(manufacturerName(10876)).toBe('Supermicro');
    expect(manufacturerName(119)).toBe('NEC');
    expect(manufacturerName(12345678)).toBeUndefined();
  });
});
