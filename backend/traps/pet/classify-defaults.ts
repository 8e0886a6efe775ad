// Default classification of PETs into fatal / recoverable / informational.
//
// "Fatal" means: this server is failing or about to be reset/powered off by its BMC, so the
// cluster should move the service away now (recovery action runs). "Recoverable" means the
// server keeps running with degraded hardware (predictive failure, lost redundancy, corrected
// errors): warn, do not fail over. Everything else is informational.
//
// Decision order (first match wins), see classify.ts:
//   1. deassertion (direction bit 7 set)                 -> informational ("cleared")
//   2. informationalEvents (default: none)               -> informational
//   3. fatalEvents                                       -> fatal, whatever the severity byte says
//   4. severity in fatalSeverities (0x10 critical, 0x20 non-recoverable)        -> fatal
//   5. recoverableEvents                                 -> recoverable
//   6. severity in recoverableSeverities (0x08 non-critical)                    -> recoverable
//   7. anything else (monitor, information, OK, or unspecified 0x00 with no event match)
//                                                        -> informational
// An unspecified severity (0x00, or no data varbind) therefore falls back to the event lists.
//
// fatalEvents (E = event/reading type, S = sensor type; omitted = any):
//   E 0x01 threshold, any sensor: 0x02 lower critical going low, 0x04 lower non-recoverable
//     going low, 0x09 upper critical going high, 0x0B upper non-recoverable going high
//   E 0x07 generic severity: 0x02/0x05 to critical, 0x03/0x06 to non-recoverable
//   E 0x0B redundancy: 0x05 non-redundant, insufficient resources
//   E 0x6F sensor-specific:
//     S 0x07 processor: 0x00 IERR, 0x01 thermal trip, 0x06 uncorrectable CPU-complex error,
//       0x0B machine check exception (uncorrectable)
//     S 0x08 power supply: 0x01 failure detected
//     S 0x09 power unit: 0x04 AC lost, 0x06 power unit failure
//     S 0x0C memory: 0x01 uncorrectable ECC, 0x02 parity, 0x0A critical overtemperature
//     S 0x0D drive slot: 0x01 drive fault, 0x06 in failed array
//     S 0x11 watchdog 1: 0x01 OS watchdog reset, 0x02 shut down, 0x03 power down, 0x04 power cycle
//     S 0x12 system event: 0x02 undetermined system hardware failure
//     S 0x13 critical interrupt: 0x02 I/O channel check NMI, 0x05 PCI SERR, 0x08 bus
//       uncorrectable error, 0x09 fatal NMI, 0x0A bus fatal error
//     S 0x19 chip set: 0x01 thermal trip
//     S 0x20 OS stop: 0x00 critical stop during OS load, 0x01 run-time critical stop
//     S 0x23 watchdog 2: 0x01 hard reset, 0x02 power down, 0x03 power cycle
// recoverableEvents:
//   E 0x01 threshold: 0x00 lower non-critical going low, 0x07 upper non-critical going high
//   E 0x04 predictive failure asserted (0x01); E 0x05 limit exceeded (0x01);
//   E 0x06 performance lags (0x01); E 0x07 to non-critical (0x01, 0x04);
//   E 0x0A transition to degraded (0x06), install error (0x08);
//   E 0x0B redundancy lost/degraded (0x01, 0x02, 0x03, 0x06, 0x07)
//   E 0x6F: processor disabled/throttled/correctable MCE (S 0x07: 0x08, 0x0A, 0x0C); power supply
//     predictive failure, input lost/out of range, configuration error (S 0x08: 0x02-0x06);
//     power unit soft power control failure, predictive failure (S 0x09: 0x05, 0x07); memory
//     correctable ECC, scrub failed, device disabled, ECC logging limit, spare, throttled
//     (S 0x0C: 0x00, 0x03, 0x04, 0x05, 0x08, 0x09); drive predictive failure, in critical array,
//     rebuild aborted (S 0x0D: 0x02, 0x05, 0x08); OS watchdog expired (S 0x11: 0x06); critical
//     interrupt bus timeout, PCI PERR, bus correctable error, bus degraded (S 0x13: 0x01, 0x04,
//     0x07, 0x0B); slot fault (S 0x21: 0x00); watchdog 2 expired / timer interrupt
//     (S 0x23: 0x00, 0x08); management subsystem health (S 0x28: 0x00-0x05); battery low /
//     failed (S 0x29: 0x00, 0x01)

import type { PetClassificationRules, PetEventRule } from './classify-types';

function ev(sensorType: number | undefined, eventType: number, offset: number, label: string): PetEventRule {
  return sensorType === undefined ? { eventType, offset, label } : { sensorType, eventType, offset, label };
}

const T = 0x01; // threshold
const SS = 0x6f; // sensor-specific

const FATAL_EVENTS: PetEventRule[] = [
  ev(undefined, T, 0x02, 'threshold: lower critical going low'),
  ev(undefined, T, 0x04, 'threshold: lower non-recoverable going low'),
  ev(undefined, T, 0x09, 'threshold: upper critical going high'),
  ev(undefined, T, 0x0b, 'threshold: upper non-recoverable going high'),
  ev(undefined, 0x07, 0x02, 'severity: transition to critical from less severe'),
  ev(undefined, 0x07, 0x03, 'severity: transition to non-recoverable from less severe'),
  ev(undefined, 0x07, 0x05, 'severity: transition to critical from non-recoverable'),
  ev(undefined, 0x07, 0x06, 'severity: transition to non-recoverable'),
  ev(undefined, 0x0b, 0x05, 'redundancy: non-redundant, insufficient resources'),
  ev(0x07, SS, 0x00, 'processor IERR'),
  ev(0x07, SS, 0x01, 'processor thermal trip'),
  ev(0x07, SS, 0x06, 'processor uncorrectable CPU-complex error'),
  ev(0x07, SS, 0x0b, 'processor machine check exception (uncorrectable)'),
  ev(0x08, SS, 0x01, 'power supply failure detected'),
  ev(0x09, SS, 0x04, 'power unit AC lost'),
  ev(0x09, SS, 0x06, 'power unit failure detected'),
  ev(0x0c, SS, 0x01, 'memory uncorrectable ECC'),
  ev(0x0c, SS, 0x02, 'memory parity error'),
  ev(0x0c, SS, 0x0a, 'memory critical overtemperature'),
  ev(0x0d, SS, 0x01, 'drive fault'),
  ev(0x0d, SS, 0x06, 'drive in failed array'),
  ev(0x11, SS, 0x01, 'watchdog 1: OS watchdog reset'),
  ev(0x11, SS, 0x02, 'watchdog 1: OS watchdog shut down'),
  ev(0x11, SS, 0x03, 'watchdog 1: OS watchdog power down'),
  ev(0x11, SS, 0x04, 'watchdog 1: OS watchdog power cycle'),
  ev(0x12, SS, 0x02, 'undetermined system hardware failure'),
  ev(0x13, SS, 0x02, 'critical interrupt: I/O channel check NMI'),
  ev(0x13, SS, 0x05, 'critical interrupt: PCI SERR'),
  ev(0x13, SS, 0x08, 'critical interrupt: bus uncorrectable error'),
  ev(0x13, SS, 0x09, 'critical interrupt: fatal NMI'),
  ev(0x13, SS, 0x0a, 'critical interrupt: bus fatal error'),
  ev(0x19, SS, 0x01, 'chip set thermal trip'),
  ev(0x20, SS, 0x00, 'OS critical stop during load'),
  ev(0x20, SS, 0x01, 'OS run-time critical stop'),
  ev(0x23, SS, 0x01, 'watchdog 2: hard reset'),
  ev(0x23, SS, 0x02, 'watchdog 2: power down'),
  ev(0x23, SS, 0x03, 'watchdog 2: power cycle'),
];

const RECOVERABLE_EVENTS: PetEventRule[] = [
  ev(undefined, T, 0x00, 'threshold: lower non-critical going low'),
  ev(undefined, T, 0x07, 'threshold: upper non-critical going high'),
  ev(undefined, 0x04, 0x01, 'predictive failure asserted'),
  ev(undefined, 0x05, 0x01, 'limit exceeded'),
  ev(undefined, 0x06, 0x01, 'performance lags'),
  ev(undefined, 0x07, 0x01, 'severity: transition to non-critical from OK'),
  ev(undefined, 0x07, 0x04, 'severity: transition to non-critical from more severe'),
  ev(undefined, 0x0a, 0x06, 'availability: transition to degraded'),
  ev(undefined, 0x0a, 0x08, 'availability: install error'),
  ev(undefined, 0x0b, 0x01, 'redundancy lost'),
  ev(undefined, 0x0b, 0x02, 'redundancy degraded'),
  ev(undefined, 0x0b, 0x03, 'non-redundant: sufficient resources from redundant'),
  ev(undefined, 0x0b, 0x06, 'redundancy degraded from fully redundant'),
  ev(undefined, 0x0b, 0x07, 'redundancy degraded from non-redundant'),
  ev(0x07, SS, 0x08, 'processor disabled'),
  ev(0x07, SS, 0x0a, 'processor throttled'),
  ev(0x07, SS, 0x0c, 'processor correctable machine check error'),
  ev(0x08, SS, 0x02, 'power supply predictive failure'),
  ev(0x08, SS, 0x03, 'power supply input lost (AC/DC)'),
  ev(0x08, SS, 0x04, 'power supply input lost or out-of-range'),
  ev(0x08, SS, 0x05, 'power supply input out-of-range, but present'),
  ev(0x08, SS, 0x06, 'power supply configuration error'),
  ev(0x09, SS, 0x05, 'power unit soft power control failure'),
  ev(0x09, SS, 0x07, 'power unit predictive failure'),
  ev(0x0c, SS, 0x00, 'memory correctable ECC'),
  ev(0x0c, SS, 0x03, 'memory scrub failed'),
  ev(0x0c, SS, 0x04, 'memory device disabled'),
  ev(0x0c, SS, 0x05, 'memory correctable ECC logging limit reached'),
  ev(0x0c, SS, 0x08, 'memory spare'),
  ev(0x0c, SS, 0x09, 'memory throttled'),
  ev(0x0d, SS, 0x02, 'drive predictive failure'),
  ev(0x0d, SS, 0x05, 'drive in critical array'),
  ev(0x0d, SS, 0x08, 'drive rebuild aborted'),
  ev(0x11, SS, 0x06, 'watchdog 1: OS watchdog expired'),
  ev(0x13, SS, 0x01, 'critical interrupt: bus timeout'),
  ev(0x13, SS, 0x04, 'critical interrupt: PCI PERR'),
  ev(0x13, SS, 0x07, 'critical interrupt: bus correctable error'),
  ev(0x13, SS, 0x0b, 'critical interrupt: bus degraded'),
  ev(0x21, SS, 0x00, 'slot/connector fault'),
  ev(0x23, SS, 0x00, 'watchdog 2: timer expired'),
  ev(0x23, SS, 0x08, 'watchdog 2: timer interrupt'),
  ev(0x28, SS, 0x00, 'management health: sensor access degraded'),
  ev(0x28, SS, 0x01, 'management health: controller access degraded'),
  ev(0x28, SS, 0x02, 'management health: controller off-line'),
  ev(0x28, SS, 0x03, 'management health: controller unavailable'),
  ev(0x28, SS, 0x04, 'management health: sensor failure'),
  ev(0x28, SS, 0x05, 'management health: FRU failure'),
  ev(0x29, SS, 0x00, 'battery low'),
  ev(0x29, SS, 0x01, 'battery failed'),
];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as object)) {
      deepFreeze(v);
    }
    Object.freeze(value);
  }
  return value;
}

/**
 * The defaults, a plain JSON-serialisable object (frozen). A configuration overrides it key by
 * key: keys it leaves out keep these values; an empty list switches a rule off.
 */
export const DEFAULT_CLASSIFICATION: Readonly<PetClassificationRules> = deepFreeze({
  fatalSeverities: [0x10, 0x20],
  recoverableSeverities: [0x08],
  fatalEvents: FATAL_EVENTS,
  recoverableEvents: RECOVERABLE_EVENTS,
  informationalEvents: [],
});
