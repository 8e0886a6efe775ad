// presencePing against a scripted UDP responder on loopback: matching, garbage tolerance,
// timeouts and ICMP "port unreachable", all as results rather than exceptions.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { encodePresencePing, encodePresencePong } from '../../../backend/bmc/rmcp-codec';
import { createPinger, presencePing } from '../../../backend/bmc/rmcp-ping';

/** A UDP "BMC" that answers each datagram with whatever `reply` returns (several datagrams allowed). */
async function responder(reply: (msg: Buffer) => Buffer[]) {
  const socket = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (msg, rinfo) => {
    received.push(msg);
    for (const out of reply(msg)) {
      socket.send(out, rinfo.port, rinfo.address);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = (socket.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

const pongFor = (msg: Buffer, tag = msg[9]) =>
  encodePresencePong({ tag, oemIana: 4542, oemDefined: 0, supportedEntities: 0x81, supportedInteractions: 0 });

describe('presencePing', () => {
  test('sends the ping and returns the matching pong with its RTT', async () => {
    const bmc = await responder((msg) => [pongFor(msg)]);
    try {
      const r = await presencePing({ address: '127.0.0.1', port: bmc.port }, { timeoutMs: 5000, tag: 7 });
      expect(r).toMatchObject({ ok: true, pong: { tag: 7, ipmiSupported: true, asfVersion: 1 } });
      expect(r.ok && r.rttMs).toBeGreaterThanOrEqual(0);
      expect(bmc.received[0]).toEqual(encodePresencePing(7));
    } finally {
      await bmc.close();
    }
  });

  test('skips garbage and pongs for other tags until the right pong arrives', async () => {
    const bmc = await responder((msg) => [Buffer.from('garbage'), pongFor(msg, 99), Buffer.alloc(0), pongFor(msg)]);
    try {
      const r = await presencePing({ address: '127.0.0.1', port: bmc.port }, { timeoutMs: 5000, tag: 3 });
      expect(r).toMatchObject({ ok: true, pong: { tag: 3 } });
    } finally {
      await bmc.close();
    }
  });

  test('only garbage: a timeout whose detail says what was ignored', async () => {
    const bmc = await responder((msg) => [Buffer.from('HTTP/1.1 400'), pongFor(msg, 200)]);
    try {
      const r = await presencePing({ address: '127.0.0.1', port: bmc.port }, { timeoutMs: 300, tag: 4 });
      expect(r).toMatchObject({ ok: false, reason: 'timeout' });
      expect(r.ok ? '' : r.detail).toMatch(
        /^no presence pong within 300 ms; ignored not-rmcp: .*; tag-mismatch: pong tag 200, expected 4$/
      );
    } finally {
      await bmc.close();
    }
  });

  test('silence: a timeout', async () => {
    const bmc = await responder(() => []);
    try {
      const r = await presencePing({ address: '127.0.0.1', port: bmc.port }, { timeoutMs: 200, tag: 5 });
      expect(r).toEqual({ ok: false, reason: 'timeout', detail: 'no presence pong within 200 ms' });
    } finally {
      await bmc.close();
    }
  });

  test('nothing listening on the port: refused (ICMP port unreachable), before the timeout', async () => {
    const bmc = await responder(() => []);
    const port = bmc.port;
    await bmc.close();
    const r = await presencePing({ address: '127.0.0.1', port }, { timeoutMs: 30_000, tag: 6 });
    expect(r).toMatchObject({ ok: false, reason: 'refused' });
  });

  test('a host name that does not resolve: a result, not an exception', async () => {
    // .invalid never resolves (RFC 2606); without any DNS server the lookup may outlast the timeout.
    const r = await presencePing({ address: 'bmc.nonexistent.invalid', port: 623 }, { timeoutMs: 5000, tag: 2 });
    expect(r.ok).toBe(false);
    expect(['resolve-error', 'timeout']).toContain(r.ok ? '' : r.reason);
  });

  test('IPv6 loopback works the same way (udp6 socket)', async () => {
    const bmc = await responder(() => []);
    const port = bmc.port;
    await bmc.close();
    const r = await presencePing({ address: '::1', port }, { timeoutMs: 2000, tag: 2 });
    expect(r).toMatchObject({ ok: false });
    expect(['refused', 'socket-error', 'unreachable']).toContain(r.ok ? '' : r.reason);
  });

  test.each([0, 70000, -1])('port %p: a socket-error result, not an exception', async (port) => {
    const r = await presencePing({ address: '127.0.0.1', port }, { timeoutMs: 200, tag: 1 });
    expect(r).toMatchObject({ ok: false, reason: 'socket-error' });
  });

  test('createPinger walks through tags 0..254, never 255', async () => {
    const tags: number[] = [];
    const bmc = await responder((msg) => {
      tags.push(msg[9]);
      return [pongFor(msg)];
    });
    try {
      const ping = createPinger();
      for (let i = 0; i < 300; i++) {
        const r = await ping({ address: '127.0.0.1', port: bmc.port }, 5000);
        expect(r.ok).toBe(true);
      }
      expect(tags).not.toContain(255);
      expect(new Set(tags).size).toBe(255);
      expect(tags.every((t, i) => i === 0 || t === (tags[i - 1] + 1) % 255)).toBe(true);
    } finally {
      await bmc.close();
    }
  });
});
