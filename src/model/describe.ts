/**
 * Events in words. A BMC trap carries the decoded PET (backend/traps/event-view.ts
 * expands it for the API); an operator wants "server1's BMC: Drive Slot (Bay): Drive
 * Fault (Critical, system board 1)", not OIDs and hex.
 */
import type { StoredEventAnswer } from '../../backend/api/answers';

interface PetView {
  description?: string;
  direction?: string;
  data?: {
    severityName?: string;
    entityName?: string;
    entityInstance?: number;
    sensorNumber?: number;
    timestamp?: string | null;
    manufacturerId?: number;
  };
}

interface Classification {
  monitor: string;
  classification: string;
  reason: string;
}

export interface EventWords {
  /** One line for the table. */
  headline: string;
  /** Further lines for the detail. */
  details: string[];
}

export function describeEvent(e: StoredEventAnswer): EventWords {
  const f = e.fields ?? {};
  if (e.type === 'trap' && typeof f.pet === 'object' && f.pet !== null) {
    const pet = f.pet as PetView;
    const d = pet.data ?? {};
    const what = pet.description ?? 'platform event';
    const entity = d.entityName
      ? `${d.entityName}${d.entityInstance !== undefined ? ` ${d.entityInstance}` : ''}`
      : null;
    const qualifiers = [d.severityName, entity].filter(Boolean).join(', ');
    const headline = `BMC of ${e.server}: ${what}${pet.direction === 'deassertion' ? ' (cleared)' : ''}${qualifiers ? ` (${qualifiers})` : ''}`;
    const details: string[] = [];
    if (d.sensorNumber !== undefined) {
      details.push(`sensor #${d.sensorNumber}${pet.direction ? `, ${pet.direction}` : ''}`);
    }
    if (d.timestamp) {
      details.push(`BMC time ${d.timestamp}`);
    }
    for (const c of (f.classification as Classification[] | undefined) ?? []) {
      details.push(`${c.classification} for monitor ${c.monitor}: ${c.reason}`);
    }
    if (e.source) {
      details.push(`from ${e.source}`);
    }
    return { headline, details };
  }
  const details: string[] = [];
  if (e.type === 'group-operation' && Array.isArray(f.steps)) {
    for (const s of f.steps as Array<{ server: string; action: string; ok: boolean; detail: string }>) {
      details.push(`${s.action} on ${s.server}: ${s.ok ? 'ok' : 'FAILED'} (${s.detail})`);
    }
  }
  if (e.source) {
    details.push(`source ${e.source}`);
  }
  if (e.repeats !== undefined && e.repeats > 1) {
    details.push(`${e.repeats} times, last at ${new Date(e.lastTime ?? e.time).toISOString()}`);
  }
  return { headline: e.summary, details };
}
