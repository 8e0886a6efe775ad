// IPMI v2.0 Table 42-1 (event/reading type code ranges) and Table 42-2 (generic offsets).
//
//   0x00        unspecified (in a PET)
//   0x01        threshold
//   0x02-0x0C   generic discrete
//   0x6F        sensor-specific (offsets come from the sensor type, Table 42-3)
//   0x70-0x7F   OEM
//   others      reserved

export type EventCategory = 'unspecified' | 'threshold' | 'generic' | 'sensor-specific' | 'oem' | 'reserved';

export const EVENT_TYPE_THRESHOLD = 0x01;
export const EVENT_TYPE_SENSOR_SPECIFIC = 0x6f;

/** Names of the defined (non-OEM) event/reading types. */
export const EVENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'unspecified',
  0x01: 'threshold',
  0x02: 'generic: DMI-based usage state',
  0x03: 'generic: digital discrete (state)',
  0x04: 'generic: predictive failure',
  0x05: 'generic: limit',
  0x06: 'generic: performance',
  0x07: 'generic: severity',
  0x08: 'generic: device presence',
  0x09: 'generic: device enabled',
  0x0a: 'generic: availability state',
  0x0b: 'generic: redundancy',
  0x0c: 'generic: ACPI device power state',
  0x6f: 'sensor-specific',
};

/** Offsets of the threshold event/reading type (0x01); 0x0C-0x0E are unused. */
export const THRESHOLD_OFFSETS: readonly string[] = [
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
];

/** Offsets of the generic discrete event/reading types 0x02-0x0C (Table 42-2). */
export const GENERIC_OFFSETS: Readonly<Record<number, readonly string[]>> = {
  0x02: ['Transition to Idle', 'Transition to Active', 'Transition to Busy'],
  0x03: ['State Deasserted', 'State Asserted'],
  0x04: ['Predictive Failure deasserted', 'Predictive Failure asserted'],
  0x05: ['Limit Not Exceeded', 'Limit Exceeded'],
  0x06: ['Performance Met', 'Performance Lags'],
  0x07: [
    'transition to OK',
    'transition to Non-Critical from OK',
    'transition to Critical from less severe',
    'transition to Non-recoverable from less severe',
    'transition to Non-Critical from more severe',
    'transition to Critical from Non-recoverable',
    'transition to Non-recoverable',
    'Monitor',
    'Informational',
  ],
  0x08: ['Device Removed / Device Absent', 'Device Inserted / Device Present'],
  0x09: ['Device Disabled', 'Device Enabled'],
  0x0a: [
    'transition to Running',
    'transition to In Test',
    'transition to Power Off',
    'transition to On Line',
    'transition to Off Line',
    'transition to Off Duty',
    'transition to Degraded',
    'transition to Power Save',
    'Install Error',
  ],
  0x0b: [
    'Fully Redundant (Redundancy Regained)',
    'Redundancy Lost',
    'Redundancy Degraded',
    'Non-redundant: Sufficient Resources from Redundant',
    'Non-redundant: Sufficient Resources from Insufficient Resources',
    'Non-redundant: Insufficient Resources',
    'Redundancy Degraded from Fully Redundant',
    'Redundancy Degraded from Non-redundant',
  ],
  0x0c: ['D0 Power State', 'D1 Power State', 'D2 Power State', 'D3 Power State'],
};
