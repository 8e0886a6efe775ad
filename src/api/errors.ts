/**
 * What can go wrong when asking the cluster, in the terms the console acts on:
 * - `unreachable`: no agent answered (refused, 5xx from the proxy, timeout) — fail over.
 * - `refused`: an agent answered no (4xx, or a 5xx with the agent's own reason, e.g. 503
 *   "partition lost"): nothing was done, the message says why.
 * - `invalid`: an answer the console cannot read (another version of the agent?).
 * - `unknown-outcome`: a change was sent but its answer was lost; the console re-read
 *   the state instead of sending it again.
 */
export type ApiErrorKind = 'unreachable' | 'refused' | 'invalid' | 'unknown-outcome';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
    readonly agent?: number,
    readonly problems?: Array<{ path: string; message: string }>
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
