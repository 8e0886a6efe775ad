/**
 * Trap events as the API shows them: the stored PET data varbind decoded again (the
 * event log keeps it raw, see intake.ts), so clients get every decoded field.
 */
import type { StoredEvent } from '../events/event-log';
import { decodePet } from './pet';

export function expandTrapEvent(e: StoredEvent): StoredEvent {
  const pet = e.fields?.pet as { specific?: unknown; data?: unknown } | undefined;
  if (e.type !== 'trap' || !pet || typeof pet.specific !== 'number') {
    return e;
  }
  const data =
    typeof pet.data === 'string' && /^([0-9a-f]{2})*$/.test(pet.data) ? Buffer.from(pet.data, 'hex') : undefined;
  return { ...e, fields: { ...e.fields, pet: { ...decodePet({ specific: pet.specific, data }), dataHex: pet.data } } };
}
