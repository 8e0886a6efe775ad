/**
 * Domain refusals on the wire: HTTP statuses both ways (API and peer calls). The domain
 * (groups/, agent/config-apply.ts) says what kind of refusal; only the edges know HTTP.
 */
import type { ApplyErrorKind } from '../agent/config-apply';
import type { RefusalKind } from '../groups/operations';

const STATUS: Record<RefusalKind, number> = { 'not-found': 404, conflict: 409, unavailable: 503 };

export function refusalStatus(kind: RefusalKind): number {
  return STATUS[kind];
}

/** A peer's HTTP refusal as a kind; anything unexpected means the peer could not do it. */
export function refusalKind(status: number): RefusalKind {
  return status === 404 ? 'not-found' : status === 409 ? 'conflict' : 'unavailable';
}

const APPLY_STATUS: Record<ApplyErrorKind, number> = {
  invalid: 400,
  conflict: 409,
  refused: 503,
  'no-space': 507,
  'store-failed': 500,
};

/** A configuration change that was not applied (PUT /config, rollback). */
export function applyErrorStatus(kind: ApplyErrorKind): number {
  return APPLY_STATUS[kind];
}
