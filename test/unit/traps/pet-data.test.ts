import { classifyPet, decodePet, decodePetData, PetData } from '../../../backend/traps/pet';
import { FIXTURES, loadPetFixture } from './pet-fixtures';

/** Every PetData key, so toStrictEqual-like checks catch a field that is set by mistake. */
function expectData(actual: PetData | undefined, expected: Partial<PetData>): void {
  expect(actual).toBeDefined();
  const a = actual as PetData;
  for (const key of Object.keys(a) as Array<keyof PetData>) {
    if (!(key in expected)) {
      expect([key, a[key]]).toEqual([key, undefined]);
    }
  }
  expect(a).toEqual(expected);
}

describe('PET data varbind fixtures', () => {
  test('full 47-byte big-endian PET: processor IERR, critical, JST', () => {
    const bytes = loadPetFixture(FIXTURES.full);
    expect(bytes.length).toBe(47);
    const pet = decodePet({ specific: 487168, data: bytes });
    expect(pet.description).toBe('Processor: IERR');
    expect(pet.warnings).toEqual([]);
    expectData(pet.data, {
      length: 47,
      truncated: false,
      missingFields: [],
      guid: '44454c4c-5a00-1051-8046-b9c04f4d4c32',
      sequence: 42,
      timestampSeconds: 912020400,
      localTime: '2026-11-25T19:00:00',
      timestamp: '2026-11-25T10:00:00.000Z',
      timestampUtcAssumed: false,
      utcOffsetRaw: 540,
      utcOffsetMinutes: 540,
      trapSourceType: 0x20,
      trapSourceTypeName: 'IPMI',
      eventSourceType: 0x20,
      eventSourceTypeName: 'IPMI',
      severity: 0x10,
      severityName: 'Critical',
      sensorDevice: 0x20,
      sensorNumber: 0x71,
      entity: 0x03,
      entityName: 'processor',
      entityInstance: 1,
      eventData: '00ffff0000000000',
      languageCode: 0x19,
      manufacturerId: 119,
      manufacturerIdByteOrder: 'big',
      manufacturerName: 'NEC',
      systemId: 0x0123,
      oemCustomFields: [],
      oemTerminated: true,
      oemRawHex: 'c1',
      warnings: [],
    });
    // The timestamp arithmetic against the 1998 epoch, spelled out.
    expect(Date.UTC(1998, 0, 1) + 912020400 * 1000 - 540 * 60000).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(classifyPet(pet)).toEqual({
      classification: 'fatal',
      reason: 'fatal event: processor IERR (sensor type 0x07, event type 0x6F, offset 0x00)',
      rule: 'fatal-event',
      matched: { sensorType: 0x07, eventType: 0x6f, offset: 0x00, label: 'processor IERR' },
    });
  });

  test('Supermicro: manufacturer ID little-endian 7C 2A 00 00 -> 10876', () => {
    const bytes = loadPetFixture(FIXTURES.supermicro);
    expect(bytes.length).toBe(47);
    expect(bytes.subarray(40, 44).toString('hex')).toBe('7c2a0000');
    const pet = decodePet({ specific: 262402, data: bytes });
    expect(pet.description).toBe('Fan: Lower Critical going low');
    const warning = 'manufacturer ID bytes 7c2a0000 read little-endian as 10876 (big-endian 2083127296 is implausible)';
    expect(pet.warnings).toEqual([warning]);
    expectData(pet.data, {
      length: 47,
      truncated: false,
      missingFields: [],
      guid: '00000000-0000-0000-0000-ac1f6b123456',
      sequence: 7,
      timestampSeconds: 911988000,
      localTime: '2026-11-25T10:00:00',
      timestamp: '2026-11-25T10:00:00.000Z',
      timestampUtcAssumed: true,
      utcOffsetRaw: 0xffff,
      trapSourceType: 0x20,
      trapSourceTypeName: 'IPMI',
      eventSourceType: 0x20,
      eventSourceTypeName: 'IPMI',
      severity: 0x10,
      severityName: 'Critical',
      sensorDevice: 0x20,
      sensorNumber: 0x41,
      entity: 0x1d,
      entityName: 'fan / cooling device',
      entityInstance: 1,
      eventData: '5205060000000000',
      languageCode: 0,
      manufacturerId: 10876,
      manufacturerIdByteOrder: 'little',
      manufacturerName: 'Supermicro',
      systemId: 0x091b,
      oemCustomFields: [],
      oemTerminated: true,
      oemRawHex: 'c1',
      warnings: [warning],
    });
    expect(classifyPet(pet).classification).toBe('fatal');
  });

  test('big-endian manufacturer ID that is plausible stays big-endian; implausible both ways warns', () => {
    const bytes = Buffer.from(loadPetFixture(FIXTURES.full));
    bytes.set([0x00, 0x00, 0x2a, 0x7c], 40);
    expect(decodePetData(bytes)).toMatchObject({
      manufacturerId: 0x2a7c,
      manufacturerIdByteOrder: 'big',
      warnings: [],
    });
    bytes.set([0xff, 0xff, 0xff, 0xff], 40);
    const odd = decodePetData(bytes);
    expect(odd.manufacturerId).toBe(0xffffffff);
    expect(odd.manufacturerIdByteOrder).toBe('big');
    expect(odd.manufacturerName).toBeUndefined();
    expect(odd.warnings).toEqual(['manufacturer ID 4294967295 is implausible in either byte order']);
  });

  test('OEM custom fields: four type/length records ended by 0xC1', () => {
    const bytes = loadPetFixture(FIXTURES.oem);
    expect(bytes.length).toBe(68);
    const pet = decodePet({ specific: 880385, data: bytes });
    expect(pet.warnings).toEqual([]);
    expectData(pet.data, {
      length: 68,
      truncated: false,
      missingFields: [],
      guid: '44454c4c-4b00-104a-804b-c3c04f4d4c33',
      sequence: 256,
      timestampSeconds: 911988300,
      localTime: '2026-11-25T10:05:00',
      timestamp: '2026-11-25T10:05:00.000Z',
      timestampUtcAssumed: false,
      utcOffsetRaw: 0,
      utcOffsetMinutes: 0,
      trapSourceType: 0x20,
      trapSourceTypeName: 'IPMI',
      eventSourceType: 0x20,
      eventSourceTypeName: 'IPMI',
      severity: 0x10,
      severityName: 'Critical',
      sensorDevice: 0x20,
      sensorNumber: 0x60,
      entity: 0x1a,
      entityName: 'disk drive bay',
      entityInstance: 2,
      eventData: 'a102ff0000000000',
      languageCode: 0x19,
      manufacturerId: 674,
      manufacturerIdByteOrder: 'big',
      manufacturerName: 'Dell',
      systemId: 256,
      oemCustomFields: [
        { offset: 46, typeLength: 0xc8, encoding: '8-bit-text', length: 8, hex: '7365727665723031', text: 'server01' },
        { offset: 55, typeLength: 0x04, encoding: 'binary', length: 4, hex: 'deadbeef', text: undefined },
        { offset: 60, typeLength: 0x83, encoding: '6-bit-ascii', length: 3, hex: 'a13892', text: 'ABCD' },
        { offset: 64, typeLength: 0x42, encoding: 'bcd-plus', length: 2, hex: '2026', text: '2026' },
      ],
      oemTerminated: true,
      oemRawHex: 'c8736572766572303104deadbeef83a13892422026c1',
      warnings: [],
    });
  });

  test('short (20-byte) PET: fields present are decoded, the rest listed as missing', () => {
    const bytes = loadPetFixture(FIXTURES.short);
    expect(bytes.length).toBe(20);
    const pet = decodePet({ specific: 487168, data: bytes });
    const warning = 'PET data is 20 bytes, shorter than the 47-byte minimum';
    expect(pet.warnings).toEqual([warning]);
    expectData(pet.data, {
      length: 20,
      truncated: true,
      missingFields: [
        'timestamp',
        'utcOffset',
        'trapSourceType',
        'eventSourceType',
        'severity',
        'sensorDevice',
        'sensorNumber',
        'entity',
        'entityInstance',
        'eventData',
        'languageCode',
        'manufacturerId',
        'systemId',
        'oemCustomFields',
      ],
      guid: '44454c4c-5a00-1051-8046-b9c04f4d4c32',
      sequence: 42,
      warnings: [warning],
    });
    // Severity is missing, so the event table decides: processor IERR is fatal.
    expect(classifyPet(pet).rule).toBe('fatal-event');
  });

  test('oversized (200-byte) PET: decoded, extra bytes kept', () => {
    const bytes = loadPetFixture(FIXTURES.oversized);
    expect(bytes.length).toBe(200);
    const pet = decodePet({ specific: 814848, data: bytes });
    expect(pet.description).toBe('Memory: Correctable ECC / other correctable memory error');
    const warning = 'PET data is 200 bytes, longer than the 110-byte maximum; extra bytes kept';
    expect(pet.warnings).toEqual([warning]);
    const trailing = Buffer.from(Array.from({ length: 136 }, (_, i) => i)).toString('hex');
    expect(trailing.slice(0, 8)).toBe('00010203');
    expect(trailing.slice(-4)).toBe('8687');
    expectData(pet.data, {
      length: 200,
      truncated: false,
      missingFields: [],
      guid: '8a2b119c-0000-4710-9e01-00155d002001',
      sequence: 65534,
      timestampSeconds: 0,
      utcOffsetRaw: 0xffff,
      trapSourceType: 0x20,
      trapSourceTypeName: 'IPMI',
      eventSourceType: 0x20,
      eventSourceTypeName: 'IPMI',
      severity: 0x08,
      severityName: 'Non-critical',
      sensorDevice: 0x20,
      sensorNumber: 0x0b,
      entity: 0x20,
      entityName: 'memory device',
      entityInstance: 3,
      eventData: 'a000030000000000',
      languageCode: 0x19,
      manufacturerId: 343,
      manufacturerIdByteOrder: 'big',
      manufacturerName: 'Intel',
      systemId: 0x3e,
      oemCustomFields: [
        {
          offset: 46,
          typeLength: 0xd0,
          encoding: '8-bit-text',
          length: 16,
          hex: '6c6f6e672d6f656d2d6669656c642d31',
          text: 'long-oem-field-1',
        },
      ],
      oemTerminated: true,
      oemRawHex: 'd06c6f6e672d6f656d2d6669656c642d31c1' + trailing,
      trailingHex: trailing,
      warnings: [warning],
    });
    expect(classifyPet(pet)).toMatchObject({ classification: 'recoverable', rule: 'recoverable-event' });
  });

  test('Dell capture: bare-text OEM field ("lion-4-ipmi") decoded as text', () => {
    const bytes = loadPetFixture(FIXTURES.dell);
    expect(bytes.length).toBe(58);
    const pet = decodePet({ specific: 356096, data: bytes });
    expect(pet.description).toBe('Physical Security (Chassis Intrusion): General Chassis Intrusion');
    const warning = 'OEM custom fields hold bare text without type/length bytes; decoded as text';
    expect(pet.warnings).toEqual([warning]);
    expectData(pet.data, {
      length: 58,
      truncated: false,
      missingFields: [],
      guid: '44454c4c-4b00-104a-804b-c3c04f4d4c31',
      sequence: 1,
      timestampSeconds: 0x184a74d5,
      localTime: '2010-11-30T19:32:37',
      timestamp: '2010-11-30T19:32:37.000Z',
      timestampUtcAssumed: true,
      utcOffsetRaw: 0xffff,
      trapSourceType: 0x20,
      trapSourceTypeName: 'IPMI',
      eventSourceType: 0x20,
      eventSourceTypeName: 'IPMI',
      severity: 0x10,
      severityName: 'Critical',
      sensorDevice: 0x20,
      sensorNumber: 0x73,
      entity: 0x18,
      entityName: 'sub-chassis',
      entityInstance: 0,
      eventData: '8001ff0000000000',
      languageCode: 0x19,
      manufacturerId: 674,
      manufacturerIdByteOrder: 'big',
      manufacturerName: 'Dell',
      systemId: 256,
      oemCustomFields: [
        { offset: 46, encoding: 'raw-text', length: 11, hex: '6c696f6e2d342d69706d69', text: 'lion-4-ipmi' },
      ],
      oemTerminated: true,
      oemRawHex: '6c696f6e2d342d69706d69c1',
      warnings: [warning],
    });
  });
});

describe('PET data edge cases', () => {
  test('empty, 1 byte, not bytes', () => {
    const empty = decodePetData(Buffer.alloc(0));
    expect(empty.length).toBe(0);
    expect(empty.truncated).toBe(true);
    expect(empty.missingFields).toHaveLength(16);
    expect(empty.guid).toBeUndefined();

    const one = decodePetData(Uint8Array.of(0xc1));
    expect(one).toMatchObject({
      length: 1,
      truncated: true,
      warnings: ['PET data is 1 bytes, shorter than the 47-byte minimum'],
    });

    const str = decodePetData('44454c4c');
    expect(str).toMatchObject({ length: 0, truncated: true, warnings: ['PET data is not a byte string (string)'] });
    expect(str.missingFields[0]).toBe('guid');

    // decodePet treats a missing data varbind as "no data", not as an error.
    expect(decodePet({ specific: 880385, data: undefined }).data).toBeUndefined();
    expect(decodePet({ specific: 880385, data: null as unknown as Buffer }).data).toBeUndefined();
  });

  test('other byte views (Uint8Array slice, ArrayBuffer, DataView) decode the same bytes', () => {
    const buf = loadPetFixture(FIXTURES.full);
    const reference = decodePetData(buf);
    const copy = new Uint8Array(buf);
    expect(decodePetData(copy)).toEqual(reference);
    expect(decodePetData(copy.buffer)).toEqual(reference);
    const padded = new Uint8Array(60);
    padded.set(buf, 5);
    expect(decodePetData(new DataView(padded.buffer, 5, 47))).toEqual(reference);
  });

  test('46 bytes: all fixed fields, no OEM end marker -> truncated, only oemCustomFields missing', () => {
    const d = decodePetData(loadPetFixture(FIXTURES.full).subarray(0, 46));
    expect(d.truncated).toBe(true);
    expect(d.missingFields).toEqual(['oemCustomFields']);
    expect(d.systemId).toBe(0x0123);
    expect(d.oemCustomFields).toBeUndefined();
  });

  test('negative UTC offset and an out-of-range one', () => {
    const bytes = Buffer.from(loadPetFixture(FIXTURES.full));
    bytes.writeInt16BE(-300, 22); // UTC-05:00
    const d = decodePetData(bytes);
    expect(d.utcOffsetMinutes).toBe(-300);
    expect(d.utcOffsetRaw).toBe(0xfed4);
    expect(d.timestamp).toBe('2026-11-26T00:00:00.000Z');
    bytes.writeInt16BE(2000, 22);
    expect(decodePetData(bytes).warnings).toEqual(['UTC offset 2000 minutes is outside -720..+840']);
  });

  test('undefined severity bits and unknown codes are named, not rejected', () => {
    const bytes = Buffer.from(loadPetFixture(FIXTURES.full));
    bytes[24] = 0x66; // reserved source type
    bytes[26] = 0x18; // two severity bits
    bytes[29] = 0xd5; // OEM entity
    const d = decodePetData(bytes);
    expect(d.trapSourceTypeName).toBe('reserved source type 0x66');
    expect(d.severityName).toBe('unknown severity 0x18');
    expect(d.entityName).toBe('OEM entity 0xD5');
    expect(d.warnings).toEqual(['severity 0x18 is not a defined PET severity']);
  });

  test('malformed OEM fields: record longer than the data -> warning, raw bytes kept', () => {
    const base = loadPetFixture(FIXTURES.full).subarray(0, 46);
    const bytes = Buffer.concat([base, Buffer.from([0xc3, 0x41, 0x42, 0x43, 0xc5, 0x00, 0x01])]);
    const d = decodePetData(bytes);
    expect(d.oemCustomFields).toEqual([
      { offset: 46, typeLength: 0xc3, encoding: '8-bit-text', length: 3, hex: '414243', text: 'ABC' },
    ]);
    expect(d.oemTerminated).toBe(false);
    expect(d.oemRawHex).toBe('c3414243c50001');
    expect(d.trailingHex).toBe('c50001');
    expect(d.warnings).toEqual([
      'OEM custom fields are malformed at byte 50 (field longer than the data, or too many fields)',
    ]);
  });

  test('OEM fields that run to the end without 0xC1 are kept with a warning', () => {
    const base = loadPetFixture(FIXTURES.full).subarray(0, 46);
    const d = decodePetData(Buffer.concat([base, Buffer.from([0x02, 0x12, 0x34])]));
    expect(d.oemCustomFields).toEqual([{ offset: 46, typeLength: 0x02, encoding: 'binary', length: 2, hex: '1234' }]);
    expect(d.oemTerminated).toBe(false);
    expect(d.trailingHex).toBeUndefined();
    expect(d.warnings).toEqual(['OEM custom fields are not ended by 0xC1']);
  });
});
