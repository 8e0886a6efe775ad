// IPMI Platform Event Trap (PET) decoding: the public entry point.
//
//   decodePet({ specific, data })  ->  DecodedPet      (specific-trap fields + data fields + warnings)
//   classifyPet(decoded, rules)    ->  fatal | recoverable | informational, with a reason
//
// Pure functions, no I/O, no dependencies. Built for the trap receiver's hot path (50k+ traps/s):
// table lookups prepared at load time, no regular expressions, no exceptions for control flow.
// The decoder never throws; the one try/catch below is a last line of defence so that a bug can
// only ever cost a warning, never the receiver.

import { decodePetData } from './data';
import { decodeSpecific } from './specific';
import { eventCategory, eventTypeName, offsetName, sensorTypeName } from './tables';
import { DecodedPet, PetData } from './types';

export * from './types';
export { decodePetData, PET_DATA_MAX_LENGTH, PET_DATA_MIN_LENGTH, PET_EPOCH_MS, PET_FIXED_LENGTH } from './data';
export {
  decodeSpecific,
  OFFSET_UNSPECIFIED,
  PET_DATA_OID,
  PET_ENTERPRISE_OID,
  PET_TRAP_OID_PREFIX,
  specificFromTrapOid,
} from './specific';
export type { SpecificTrapFields } from './specific';
export {
  entityName,
  eventCategory,
  eventTypeName,
  manufacturerName,
  offsetName,
  sensorTypeName,
  severityName,
  sourceTypeName,
} from './tables';
export { SEVERITY } from './codes-pet-fields';
export * from './classify';

/** What the receiver hands over: the specific-trap number and, when present, the data varbind. */
export interface PetInput {
  specific: number;
  data?: Buffer | Uint8Array;
}

/** Decode one PET. Never throws; problems are reported in `warnings`. */
export function decodePet(input: PetInput): DecodedPet {
  try {
    return decode(input);
  } catch (err) {
    // Not expected to happen: every path in decode() is bounds-checked. Keep the receiver alive anyway.
    const warnings: string[] = [];
    const f = decodeSpecific(input !== null && typeof input === 'object' ? input.specific : undefined, warnings);
    warnings.push('internal PET decoder error: ' + (err instanceof Error ? err.message : String(err)));
    const name = offsetName(f.sensorType, f.eventType, f.offset);
    return {
      ...f,
      sensorTypeName: sensorTypeName(f.sensorType),
      eventTypeName: eventTypeName(f.eventType),
      eventCategory: eventCategory(f.eventType),
      offsetName: name,
      description: describe(sensorTypeName(f.sensorType), name, f.direction),
      data: undefined,
      warnings,
    };
  }
}

/** "Drive Slot (Bay): Drive Fault", with " (cleared)" for a deassertion. */
function describe(sensorName: string, offName: string, direction: 'assertion' | 'deassertion'): string {
  return sensorName + ': ' + offName + (direction === 'deassertion' ? ' (cleared)' : '');
}

function decode(input: PetInput): DecodedPet {
  const warnings: string[] = [];
  const hasInput = input !== null && typeof input === 'object';
  if (!hasInput) {
    warnings.push('PET input is not an object');
  }
  const f = decodeSpecific(hasInput ? input.specific : undefined, warnings);
  const sensorName = sensorTypeName(f.sensorType);
  const offName = offsetName(f.sensorType, f.eventType, f.offset);

  let data: PetData | undefined;
  const raw = hasInput ? input.data : undefined;
  if (raw !== undefined && raw !== null) {
    data = decodePetData(raw);
    for (let i = 0; i < data.warnings.length; i++) {
      warnings.push(data.warnings[i]);
    }
  }

  return {
    specific: f.specific,
    sensorType: f.sensorType,
    sensorTypeName: sensorName,
    eventType: f.eventType,
    eventTypeName: eventTypeName(f.eventType),
    eventCategory: eventCategory(f.eventType),
    direction: f.direction,
    offset: f.offset,
    offsetSpecified: f.offsetSpecified,
    offsetName: offName,
    description: describe(sensorName, offName, f.direction),
    data,
    warnings,
  };
}
