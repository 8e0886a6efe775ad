// Builds the PET data varbind (the inverse of data.ts) for test traps (`lifeline trap send`),
// the tests and the trap benchmark. Layout per PET spec v1.0 / FIELD-NOTES section 2.

import { PET_EPOCH_MS } from './data';

export interface PetDataSpec {
  specific: number;
  severity?: number;
  sequence?: number;
  time?: Date;
  /** 32 hex digits; default a fixed test GUID. */
  guid?: string;
  sensorNumber?: number;
  entity?: number;
  entityInstance?: number;
  manufacturerId?: number;
  systemId?: number;
}

const IPMI_SOURCE = 0x20;
const LANGUAGE_ENGLISH = 0x19;
const OEM_END = 0xc1;

/** A 47-byte PET data field: the 46 fixed bytes and the end-of-OEM-fields marker. */
export function buildPetData(spec: PetDataSpec): Buffer {
  const b = Buffer.alloc(47, 0);
  Buffer.from((spec.guid ?? '4c4946454c494e452d54455354000001').slice(0, 32).padEnd(32, '0'), 'hex').copy(b, 0);
  b.writeUInt16BE((spec.sequence ?? 1) & 0xffff, 16);
  const seconds = spec.time ? Math.max(0, Math.floor((spec.time.getTime() - PET_EPOCH_MS) / 1000)) : 0;
  b.writeUInt32BE(seconds >>> 0, 18);
  b.writeUInt16BE(0, 22); // UTC offset 0 minutes: the timestamp above is UTC
  b[24] = IPMI_SOURCE;
  b[25] = IPMI_SOURCE;
  b[26] = spec.severity ?? 0x10;
  b[27] = 0x20; // sensor device: the BMC's slave address
  b[28] = spec.sensorNumber ?? 0x01;
  b[29] = spec.entity ?? 0x07;
  b[30] = spec.entityInstance ?? 0x01;
  // Event data 1: sensor-specific/threshold event data flags in the upper nibble, offset below.
  b[31] = 0xa0 | (spec.specific & 0x0f);
  b.fill(0xff, 32, 39);
  b[39] = LANGUAGE_ENGLISH;
  b.writeUInt32BE((spec.manufacturerId ?? 0x1b8) >>> 0, 40); // 440 = NEC
  b.writeUInt16BE((spec.systemId ?? 0) & 0xffff, 44);
  b[46] = OEM_END;
  return b;
}
