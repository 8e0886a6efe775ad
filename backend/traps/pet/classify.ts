// Default classification of a decoded PET: fatal (fail over), recoverable (warn) or
// informational. The rules and their order are documented in classify-defaults.ts and
// README.md; this file only applies them. Cheap enough for every trap: a few comparisons
// over short lists, no allocation except the result.

import { DEFAULT_CLASSIFICATION } from './classify-defaults';
import type { ClassifiablePet, PetClassification, PetClassificationRules, PetEventRule } from './classify-types';
import { hex2 } from './hex';
import { offsetName, sensorTypeName, severityName } from './tables';

export { DEFAULT_CLASSIFICATION } from './classify-defaults';
export type {
  ClassifiablePet,
  PetClass,
  PetClassification,
  PetClassificationRule,
  PetClassificationRules,
  PetEventRule,
} from './classify-types';

/** Rules with every key present: the given keys, the defaults for the rest. */
export function resolveClassificationRules(override?: Partial<PetClassificationRules> | null): PetClassificationRules {
  const o = override ?? {};
  return {
    fatalSeverities: o.fatalSeverities ?? DEFAULT_CLASSIFICATION.fatalSeverities,
    recoverableSeverities: o.recoverableSeverities ?? DEFAULT_CLASSIFICATION.recoverableSeverities,
    fatalEvents: o.fatalEvents ?? DEFAULT_CLASSIFICATION.fatalEvents,
    recoverableEvents: o.recoverableEvents ?? DEFAULT_CLASSIFICATION.recoverableEvents,
    informationalEvents: o.informationalEvents ?? DEFAULT_CLASSIFICATION.informationalEvents,
  };
}

function findEvent(list: readonly PetEventRule[] | undefined, pet: ClassifiablePet): PetEventRule | undefined {
  if (!Array.isArray(list)) {
    return undefined;
  }
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (
      r !== null &&
      typeof r === 'object' &&
      (r.sensorType === undefined || r.sensorType === pet.sensorType) &&
      (r.eventType === undefined || r.eventType === pet.eventType) &&
      (r.offset === undefined || r.offset === pet.offset)
    ) {
      return r;
    }
  }
  return undefined;
}

function includes(list: readonly number[] | undefined, value: number): boolean {
  return Array.isArray(list) && list.includes(value);
}

/** "drive fault (sensor type 0x0D, event type 0x6F, offset 0x01)" */
function describeEvent(rule: PetEventRule, pet: ClassifiablePet): string {
  const what =
    rule.label !== undefined
      ? rule.label
      : sensorTypeName(pet.sensorType) + ': ' + offsetName(pet.sensorType, pet.eventType, pet.offset);
  return (
    what +
    ' (sensor type ' +
    hex2(pet.sensorType) +
    ', event type ' +
    hex2(pet.eventType) +
    ', offset ' +
    hex2(pet.offset) +
    ')'
  );
}

function describeSeverity(severity: number): string {
  return 'severity ' + severityName(severity) + ' (' + hex2(severity) + ')';
}

/**
 * Classify a decoded PET. `rules` defaults to DEFAULT_CLASSIFICATION; keys missing from a
 * partial rule set fall back to the defaults. Decision order: deassertion, informational
 * events, fatal events, fatal severities, recoverable events, recoverable severities, else
 * informational. A missing data varbind counts as severity 0x00 (unspecified).
 */
export function classifyPet(
  pet: ClassifiablePet,
  rules: Partial<PetClassificationRules> = DEFAULT_CLASSIFICATION
): PetClassification {
  const d = DEFAULT_CLASSIFICATION;
  const severity = pet.data !== undefined && typeof pet.data.severity === 'number' ? pet.data.severity : 0;

  if (pet.direction === 'deassertion') {
    return { classification: 'informational', reason: 'cleared (deassertion)', rule: 'deassertion' };
  }

  let m = findEvent(rules.informationalEvents ?? d.informationalEvents, pet);
  if (m !== undefined) {
    return {
      classification: 'informational',
      reason: 'informational event: ' + describeEvent(m, pet),
      rule: 'informational-event',
      matched: m,
    };
  }

  m = findEvent(rules.fatalEvents ?? d.fatalEvents, pet);
  if (m !== undefined) {
    return {
      classification: 'fatal',
      reason: 'fatal event: ' + describeEvent(m, pet),
      rule: 'fatal-event',
      matched: m,
    };
  }

  if (includes(rules.fatalSeverities ?? d.fatalSeverities, severity)) {
    return { classification: 'fatal', reason: describeSeverity(severity), rule: 'fatal-severity' };
  }

  m = findEvent(rules.recoverableEvents ?? d.recoverableEvents, pet);
  if (m !== undefined) {
    return {
      classification: 'recoverable',
      reason: 'recoverable event: ' + describeEvent(m, pet),
      rule: 'recoverable-event',
      matched: m,
    };
  }

  if (includes(rules.recoverableSeverities ?? d.recoverableSeverities, severity)) {
    return { classification: 'recoverable', reason: describeSeverity(severity), rule: 'recoverable-severity' };
  }

  return {
    classification: 'informational',
    reason:
      severity === 0
        ? 'severity unspecified and no fatal or recoverable event rule matched'
        : describeSeverity(severity),
    rule: 'default',
  };
}
