// Sends one ASF presence ping over UDP and waits for the matching pong (the I/O half of
// rmcp-codec.ts). The promise never rejects: every failure, including garbage replies,
// DNS errors and ICMP "port unreachable", comes back as { ok: false, reason, detail }.
//
// One socket per ping, connected to the BMC: the kernel then only delivers datagrams from
// that address and port, a late pong of an earlier ping cannot be mistaken for this one
// (different local port, and the tag is checked as well), and an ICMP port-unreachable
// surfaces at once as ECONNREFUSED instead of a silent timeout.

import dgram from 'node:dgram';
import net from 'node:net';
import { monotonicNow } from '../time/clock';
import { decodePresencePong, encodePresencePing, MAX_PING_TAG, type PresencePong } from './rmcp-codec';
import type { BmcEndpoint } from './types';

export type PingFailureReason =
  | 'timeout' // nothing acceptable arrived in time
  | 'refused' // ICMP port unreachable: the host is up, nothing listens on the RMCP port
  | 'unreachable' // no route / host unreachable
  | 'resolve-error' // the BMC host name does not resolve
  | 'socket-error'; // anything else the socket reported

export type PingResult =
  { ok: true; rttMs: number; pong: PresencePong } | { ok: false; reason: PingFailureReason; detail: string };

export type PingFunction = (target: BmcEndpoint, timeoutMs: number) => Promise<PingResult>;

export interface PingOptions {
  timeoutMs: number;
  /** Message tag 0..254; echoed in the pong. */
  tag: number;
}

/** One presence ping. Resolves, never rejects. */
export function presencePing(target: BmcEndpoint, options: PingOptions): Promise<PingResult> {
  return new Promise((resolve) => {
    let socket: dgram.Socket;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let sentAt = 0;
    // Datagrams that were not our pong: reported on timeout, they explain "answered, but wrongly".
    const ignored: string[] = [];

    const finish = (result: PingResult) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // already closed, or never created (bad arguments)
      }
      resolve(result);
    };

    try {
      const ping = encodePresencePing(options.tag);
      socket = dgram.createSocket(net.isIPv6(target.address) ? 'udp6' : 'udp4');
      socket.on('error', (err) => finish(socketFailure(err)));
      socket.on('message', (msg) => {
        const decoded = decodePresencePong(msg, options.tag);
        if (decoded.ok) {
          finish({ ok: true, rttMs: monotonicNow() - sentAt, pong: decoded.pong });
        } else if (ignored.length < 3) {
          ignored.push(`${decoded.reason}: ${decoded.detail}`);
        }
      });
      timer = setTimeout(() => {
        const extra = ignored.length > 0 ? `; ignored ${ignored.join('; ')}` : '';
        finish({ ok: false, reason: 'timeout', detail: `no presence pong within ${options.timeoutMs} ms${extra}` });
      }, options.timeoutMs);
      // Node calls this back with the error when the address does not resolve (the typings
      // omit the argument); the socket is then not connected and send() would throw.
      const onConnect = (err?: Error | null) => {
        if (err) {
          finish(socketFailure(err));
          return;
        }
        sentAt = monotonicNow();
        try {
          socket.send(ping, (sendErr) => {
            if (sendErr) {
              finish(socketFailure(sendErr));
            }
          });
        } catch (sendErr) {
          finish(socketFailure(sendErr as Error));
        }
      };
      socket.connect(target.port, target.address, onConnect as () => void);
    } catch (err) {
      // Bad arguments (port out of range, tag) end up here rather than as an exception.
      finish({ ok: false, reason: 'socket-error', detail: err instanceof Error ? err.message : String(err) });
    }
  });
}

/** A PingFunction that hands out tags 0..254 in turn. */
export function createPinger(): PingFunction {
  let tag = Math.floor(Math.random() * (MAX_PING_TAG + 1));
  return (target, timeoutMs) => {
    tag = (tag + 1) % (MAX_PING_TAG + 1);
    return presencePing(target, { timeoutMs, tag });
  };
}

function socketFailure(err: Error): PingResult {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const detail = code !== '' ? `${code}: ${err.message}` : err.message;
  switch (code) {
    case 'ECONNREFUSED':
      return { ok: false, reason: 'refused', detail };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return { ok: false, reason: 'unreachable', detail };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { ok: false, reason: 'resolve-error', detail };
    default:
      return { ok: false, reason: 'socket-error', detail };
  }
}
