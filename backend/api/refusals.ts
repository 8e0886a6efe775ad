/** Refusals of group requests on the wire: HTTP statuses both ways (API and peer calls). */
import type { RefusalKind } from '../groups/operations';

const STATUS: Record<RefusalKind, number> = { 'not-found': 404, conflict: 409, unavailable: 503 };

export function refusalStatus(kind: RefusalKind): number {
  return STATUS[kind];
}

/** A peer's HTTP refusal as a kind; anything unexpected means the peer could not do it. */
export function refusalKind(status: number): RefusalKind {
  return status === 404 ? 'not-found' : status === 409 ? 'conflict' : 'unavailable';
}
