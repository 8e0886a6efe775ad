// Types of the PET classification rules (kept apart so the defaults and the logic can share them).

export type PetClass = 'fatal' | 'recoverable' | 'informational';

/**
 * Matches events by the specific-trap fields. An omitted field matches any value, so
 * `{ eventType: 1, offset: 2 }` is "any threshold sensor, lower critical going low".
 */
export interface PetEventRule {
  sensorType?: number;
  eventType?: number;
  offset?: number;
  /** Shown in the classification reason. */
  label?: string;
}

/** Serialisable rule set; a configuration may override any key (missing keys use the defaults). */
export interface PetClassificationRules {
  /** Severity bytes that make a trap fatal (default 0x10 critical, 0x20 non-recoverable). */
  fatalSeverities: readonly number[];
  /** Severity bytes that make a trap recoverable (default 0x08 non-critical). */
  recoverableSeverities: readonly number[];
  /** Events that are fatal whatever the severity byte says. */
  fatalEvents: readonly PetEventRule[];
  /** Events that are recoverable unless the severity makes them fatal. */
  recoverableEvents: readonly PetEventRule[];
  /** Events to treat as informational whatever their severity (silences a noisy sensor). */
  informationalEvents: readonly PetEventRule[];
}

/** Which step of the decision order decided. */
export type PetClassificationRule =
  | 'deassertion'
  | 'informational-event'
  | 'fatal-event'
  | 'fatal-severity'
  | 'recoverable-event'
  | 'recoverable-severity'
  | 'default';

export interface PetClassification {
  classification: PetClass;
  /** Why, for logs and the alert list, e.g. "fatal event: drive fault (sensor type 0x0D, ...)". */
  reason: string;
  rule: PetClassificationRule;
  /** The event rule that matched, for the *-event rules. */
  matched?: PetEventRule;
}

/** The part of a decoded PET that classification looks at (a DecodedPet fits). */
export interface ClassifiablePet {
  sensorType: number;
  eventType: number;
  offset: number;
  direction: 'assertion' | 'deassertion';
  data?: { severity?: number };
}
