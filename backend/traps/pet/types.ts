// Result types of the PET decoder. Plain, JSON-serialisable data only: numbers, strings,
// booleans, arrays; byte strings are lower-case hex. Fields of the data varbind that were not
// present in the received bytes are `undefined` (and named in `missingFields`).

import type { EventCategory } from './codes-event-types';
import type { PetOemField } from './oem';
import type { PetDirection } from './specific';

export type { EventCategory } from './codes-event-types';
export type { PetOemField, OemFieldEncoding } from './oem';
export type { PetDirection } from './specific';

/** Names of the PET data fields, in byte order, as used in `missingFields`. */
export type PetDataFieldName =
  | 'guid'
  | 'sequence'
  | 'timestamp'
  | 'utcOffset'
  | 'trapSourceType'
  | 'eventSourceType'
  | 'severity'
  | 'sensorDevice'
  | 'sensorNumber'
  | 'entity'
  | 'entityInstance'
  | 'eventData'
  | 'languageCode'
  | 'manufacturerId'
  | 'systemId'
  | 'oemCustomFields';

/** The decoded variable binding 1.3.6.1.4.1.3183.1.1.1. */
export interface PetData {
  /** Number of bytes received. */
  length: number;
  /** true when shorter than the 47-byte PET minimum (some fields missing). */
  truncated: boolean;
  /** Fields whose bytes were not (completely) present. */
  missingFields: PetDataFieldName[];

  /** Bytes 0-15, canonical 8-4-4-4-12 lower-case hex, bytes in received order. */
  guid?: string;
  /** Bytes 16-17: sequence number / cookie. */
  sequence?: number;
  /** Bytes 18-21 as received: seconds since 1998-01-01 00:00 local time; 0 = unspecified. */
  timestampSeconds?: number;
  /** The BMC's local wall-clock time, 'YYYY-MM-DDTHH:MM:SS' (no zone); undefined if unspecified. */
  localTime?: string;
  /**
   * The event time in UTC, ISO 8601 ('...Z'): local time minus the UTC offset. When the offset is
   * unspecified the local time is taken as UTC and `timestampUtcAssumed` is true.
   */
  timestamp?: string;
  timestampUtcAssumed?: boolean;
  /** Bytes 22-23 as received (0xFFFF = unspecified). */
  utcOffsetRaw?: number;
  /** Signed minutes east of UTC; undefined when unspecified (0xFFFF) or missing. */
  utcOffsetMinutes?: number;
  /** Byte 24. */
  trapSourceType?: number;
  trapSourceTypeName?: string;
  /** Byte 25. */
  eventSourceType?: number;
  eventSourceTypeName?: string;
  /** Byte 26: 0x01 monitor, 0x02 information, 0x04 OK, 0x08 non-critical, 0x10 critical, 0x20 non-recoverable. */
  severity?: number;
  severityName?: string;
  /** Byte 27: I2C address of the device holding the sensor (0x20 = BMC). */
  sensorDevice?: number;
  /** Byte 28. */
  sensorNumber?: number;
  /** Byte 29: IPMI entity ID. */
  entity?: number;
  entityName?: string;
  /** Byte 30. */
  entityInstance?: number;
  /** Bytes 31-38: event data 1-8, 16 hex characters. */
  eventData?: string;
  /** Byte 39 (FRU language code; 0 or 25 = English). */
  languageCode?: number;
  /** Bytes 40-43: IANA enterprise number of the manufacturer. */
  manufacturerId?: number;
  /** 'little' when the BMC sent the ID least significant byte first (Supermicro quirk). */
  manufacturerIdByteOrder?: 'big' | 'little';
  manufacturerName?: string;
  /** Bytes 44-45: system / product ID. */
  systemId?: number;
  /** Decoded OEM custom fields (byte 46 onwards). */
  oemCustomFields?: PetOemField[];
  /** true when the OEM fields were ended by 0xC1. */
  oemTerminated?: boolean;
  /** All bytes from 46 to the end, hex (OEM fields, end marker and anything after). */
  oemRawHex?: string;
  /** Bytes after the OEM fields' end, hex; undefined when there are none. */
  trailingHex?: string;

  /** Problems met while decoding the data (never fatal). */
  warnings: string[];
}

/** The decoded specific-trap number plus its names. */
export interface DecodedSpecific {
  /** The specific-trap number as decoded (unsigned 32 bits). */
  specific: number;
  sensorType: number;
  sensorTypeName: string;
  eventType: number;
  eventTypeName: string;
  eventCategory: EventCategory;
  direction: PetDirection;
  offset: number;
  /** false when the offset nibble is 0xF. */
  offsetSpecified: boolean;
  offsetName: string;
  /** One line for people, e.g. "Drive Slot (Bay): Drive Fault" or "...: Lower Critical going low (cleared)". */
  description: string;
}

/** Everything `decodePet` knows about one Platform Event Trap. */
export interface DecodedPet extends DecodedSpecific {
  /** Decoded data varbind; undefined when the trap carried none. */
  data?: PetData;
  /** Every warning: about the specific number, the input, and (copied) the data's warnings. */
  warnings: string[];
}
