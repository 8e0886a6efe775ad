// Lookups from IPMI/PET codes to human names.
//
// Every lookup is an index into an array built once at module load, with a readable fallback
// already in place for reserved and OEM codes (`sensor type 0x9A (OEM)`, `offset 5`), so the
// per-trap path allocates nothing and never meets an unknown key. The data lives in codes-*.ts.

import { ENTITY_NAMES } from './codes-entities';
import {
  EVENT_TYPE_NAMES,
  EVENT_TYPE_SENSOR_SPECIFIC,
  EVENT_TYPE_THRESHOLD,
  EventCategory,
  GENERIC_OFFSETS,
  THRESHOLD_OFFSETS,
} from './codes-event-types';
import { MANUFACTURER_NAMES, SEVERITY_NAMES, SOURCE_TYPE_CLASSES } from './codes-pet-fields';
import { SENSOR_SPECIFIC_OFFSETS } from './codes-sensor-offsets';
import { SENSOR_TYPE_NAMES } from './codes-sensor-types';
import { hex2 } from './hex';

export type { EventCategory } from './codes-event-types';

/** Build a 256-entry name array from a sparse record plus a fallback for the gaps. */
function byteTable(known: Readonly<Record<number, string>>, fallback: (code: number) => string): readonly string[] {
  const out: string[] = new Array(256);
  for (let i = 0; i < 256; i++) {
    const name = known[i];
    out[i] = name !== undefined ? name : fallback(i);
  }
  return out;
}

const SENSOR_TYPES = byteTable(
  SENSOR_TYPE_NAMES,
  (c) => 'sensor type ' + hex2(c) + (c >= 0xc0 ? ' (OEM)' : ' (reserved)')
);

const EVENT_TYPES = byteTable(EVENT_TYPE_NAMES, (c) =>
  c >= 0x70 && c <= 0x7f ? 'event type ' + hex2(c) + ' (OEM)' : 'event type ' + hex2(c) + ' (reserved)'
);

const EVENT_CATEGORIES: readonly EventCategory[] = (() => {
  const out: EventCategory[] = new Array(256);
  for (let i = 0; i < 256; i++) {
    out[i] =
      i === 0
        ? 'unspecified'
        : i === EVENT_TYPE_THRESHOLD
          ? 'threshold'
          : i <= 0x0c
            ? 'generic'
            : i === EVENT_TYPE_SENSOR_SPECIFIC
              ? 'sensor-specific'
              : i >= 0x70 && i <= 0x7f
                ? 'oem'
                : 'reserved';
  }
  return out;
})();

/** "offset 0" .. "offset 15": the fallback when an offset has no defined meaning. */
const OFFSET_FALLBACK: readonly string[] = Array.from({ length: 16 }, (_, i) => 'offset ' + i);
const OFFSET_UNSPECIFIED_NAME = 'unspecified offset';
const OEM_OFFSETS: readonly string[] = Array.from({ length: 16 }, (_, i) =>
  i === 0x0f ? OFFSET_UNSPECIFIED_NAME : 'OEM offset ' + i
);

/** 16 offset names from a partial list; gaps get "offset N", 0xF gets "unspecified offset". */
function offsetRow(names: ReadonlyArray<string | undefined> | undefined): readonly string[] {
  const row: string[] = new Array(16);
  for (let i = 0; i < 16; i++) {
    const name = names !== undefined ? names[i] : undefined;
    row[i] = name !== undefined ? name : i === 0x0f ? OFFSET_UNSPECIFIED_NAME : OFFSET_FALLBACK[i];
  }
  return row;
}

const NO_NAMES_ROW = offsetRow(undefined);

/** Offset names by event/reading type (threshold and generic rows; others use NO_NAMES_ROW). */
const EVENT_TYPE_OFFSETS: ReadonlyArray<readonly string[]> = (() => {
  const out: Array<readonly string[]> = new Array(256);
  for (let e = 0; e < 256; e++) {
    out[e] =
      e === EVENT_TYPE_THRESHOLD
        ? offsetRow(THRESHOLD_OFFSETS)
        : GENERIC_OFFSETS[e] !== undefined
          ? offsetRow(GENERIC_OFFSETS[e])
          : e >= 0x70 && e <= 0x7f
            ? OEM_OFFSETS
            : NO_NAMES_ROW;
  }
  return out;
})();

/** Sensor-specific (event type 0x6F) offset names by sensor type. */
const SENSOR_OFFSETS: ReadonlyArray<readonly string[]> = (() => {
  const out: Array<readonly string[]> = new Array(256);
  for (let s = 0; s < 256; s++) {
    const names = SENSOR_SPECIFIC_OFFSETS[s];
    out[s] = names !== undefined ? offsetRow(names) : NO_NAMES_ROW;
  }
  return out;
})();

const SEVERITIES = byteTable(SEVERITY_NAMES, (c) => 'unknown severity ' + hex2(c));

const SOURCE_TYPES = byteTable({}, (c) => {
  const cls = SOURCE_TYPE_CLASSES[c >> 3];
  return cls !== undefined ? cls : 'reserved source type ' + hex2(c);
});

const ENTITIES = byteTable(ENTITY_NAMES, (c) =>
  c >= 0xd0
    ? 'OEM entity ' + hex2(c)
    : c >= 0xb0
      ? 'board-set specific entity ' + hex2(c)
      : c >= 0x90
        ? 'chassis-specific entity ' + hex2(c)
        : 'entity ' + hex2(c) + ' (reserved)'
);

/** Name of a sensor type code (IPMI Table 42-3), e.g. 0x0D -> "Drive Slot (Bay)". */
export function sensorTypeName(code: number): string {
  return SENSOR_TYPES[code & 0xff];
}

/** Name of an event/reading type code (IPMI Table 42-1), e.g. 0x6F -> "sensor-specific". */
export function eventTypeName(code: number): string {
  return EVENT_TYPES[code & 0xff];
}

/** Which range of Table 42-1 an event/reading type falls in. */
export function eventCategory(code: number): EventCategory {
  return EVENT_CATEGORIES[code & 0xff];
}

/**
 * Meaning of an event offset (0-15). Threshold and generic types use their own table; type 0x6F
 * uses the sensor type's sensor-specific table; OEM types give "OEM offset N".
 */
export function offsetName(sensorType: number, eventType: number, offset: number): string {
  const e = eventType & 0xff;
  const row = e === EVENT_TYPE_SENSOR_SPECIFIC ? SENSOR_OFFSETS[sensorType & 0xff] : EVENT_TYPE_OFFSETS[e];
  return row[offset & 0x0f];
}

/** Name of a PET event severity byte, e.g. 0x10 -> "Critical". */
export function severityName(code: number): string {
  return SEVERITIES[code & 0xff];
}

/** Name of a PET trap/event source type byte, e.g. 0x20 -> "IPMI". */
export function sourceTypeName(code: number): string {
  return SOURCE_TYPES[code & 0xff];
}

/** Name of an IPMI entity ID, e.g. 0x03 -> "processor". */
export function entityName(code: number): string {
  return ENTITIES[code & 0xff];
}

/** Name of a manufacturer (IANA enterprise) ID when known, else undefined. */
export function manufacturerName(id: number): string | undefined {
  return MANUFACTURER_NAMES[id];
}
