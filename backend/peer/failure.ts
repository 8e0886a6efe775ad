/**
 * Why a peer call failed, so that callers can say it ("the deciding server server1 did not
 * answer (timeout after 3000 ms)") instead of a bare "unreachable".
 */
import type { RefusalAnswer } from './schemas';

export type PeerFailureKind =
  /** Nothing listens there (ECONNREFUSED): the agent is down, or not yet up. */
  | 'refused'
  /** No (complete) answer in time. */
  | 'timeout'
  /** The TLS handshake failed (certificate, protocol). */
  | 'tls'
  /** Any other network error (reset, host or network unreachable, ...). */
  | 'network'
  /** An answer that is not JSON, or not the shape the protocol says. */
  | 'bad-answer'
  /** A well-formed refusal: HTTP status 4xx/5xx (`body` holds its error, when it gave one). */
  | 'http'
  /** The peer is not in this agent's configuration. */
  | 'unknown-peer';

export interface PeerFailure {
  ok: false;
  kind: PeerFailureKind;
  detail: string;
  /** For `http` (and `bad-answer` of a 2xx): the status the peer answered. */
  status?: number;
  /** For `http`: the refusal's body, when it was JSON of the usual shape. */
  body?: RefusalAnswer;
}

const TLS_CODE = /CERT|SSL|TLS|^EPROTO$/;

/** What fetch threw, as a failure kind (undici wraps the system error in `cause`). */
export function classifyError(e: unknown, timeoutMs: number): PeerFailure {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { ok: false, kind: 'timeout', detail: `timeout after ${timeoutMs} ms` };
  }
  const code = err?.cause?.code ?? (err as { code?: string })?.code;
  const message = err?.cause?.message ?? err?.message ?? String(e);
  if (code === 'ECONNREFUSED') {
    return { ok: false, kind: 'refused', detail: 'connection refused' };
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { ok: false, kind: 'timeout', detail: `timeout (${code})` };
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    return { ok: false, kind: 'tls', detail: `TLS: ${message}` };
  }
  return { ok: false, kind: 'network', detail: code ? `${code}: ${message}` : message };
}

/**
 * The failure as the end of a sentence about the peer: "did not answer (timeout after 3000 ms)",
 * "gave a bad answer (...)", "answered HTTP 500: ...", "is not in the configuration".
 */
export function describeFailure(f: PeerFailure): string {
  switch (f.kind) {
    case 'bad-answer':
      return `gave a bad answer (${f.detail})`;
    case 'http':
      return `answered ${f.detail}`;
    case 'unknown-peer':
      return 'is not in the configuration';
    default:
      return `did not answer (${f.detail})`;
  }
}

/** Whether the peer could not be reached at all (as opposed to answering something). */
export function unreachable(f: PeerFailure): boolean {
  return (
    f.kind === 'refused' ||
    f.kind === 'timeout' ||
    f.kind === 'tls' ||
    f.kind === 'network' ||
    f.kind === 'unknown-peer'
  );
}
