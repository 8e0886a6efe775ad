import { EventEmitter } from 'node:events';
import * as snmp from 'net-snmp';

/**
 * Encodes traps with net-snmp's own encoder (a Session whose socket only records what it
 * would send), so the tests decode exactly what a real sender produces.
 */
export function encodeTrap(options: {
  version: 'v1' | 'v2c';
  community?: string;
  specific?: number;
  enterprise?: string;
  generic?: number;
  trapOid?: string;
  varbinds?: Array<{ oid: string; type: number; value: unknown }>;
}): Buffer {
  const sent: Buffer[] = [];
  const socket = Object.assign(new EventEmitter(), {
    bind() {},
    close() {},
    unref() {},
    send(buf: Buffer, _o: number, _l: number, _p: number, _a: string, cb?: () => void) {
      sent.push(Buffer.from(buf));
      cb?.();
    },
  });
  const session = snmp.createSession('127.0.0.1', options.community ?? 'public', {
    version: options.version === 'v1' ? snmp.Version1 : snmp.Version2c,
    dgramModule: { createSocket: () => socket },
  });
  const varbinds = options.varbinds ?? [];
  if (options.version === 'v1') {
    // net-snmp's v1 form: "<enterprise>.<specific>" for enterprise-specific, a number for generic traps.
    session.trap(
      options.generic !== undefined
        ? options.generic
        : `${options.enterprise ?? '1.3.6.1.4.1.3183.1.1'}.${options.specific ?? 0}`,
      varbinds,
      { agentAddr: '10.1.2.3', upTime: 4242 },
      () => undefined
    );
  } else {
    session.trap(
      options.trapOid ?? `1.3.6.1.4.1.3183.1.1.0.${options.specific ?? 0}`,
      varbinds,
      { upTime: 4242 },
      () => undefined
    );
  }
  session.close();
  if (sent.length !== 1) {
    throw new Error(`expected one datagram, got ${sent.length}`);
  }
  return sent[0];
}
