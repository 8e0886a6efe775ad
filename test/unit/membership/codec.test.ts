// The heartbeat codec: round trip, size of the largest configurations, and robustness:
// every single-byte alteration is refused, every truncation is malformed, and 10,000 seeded
// random buffers (plain, and with a plausible header) never make the decoder throw.
import {
  checkSummary,
  decodeHeartbeat,
  encodeHeartbeat,
  heartbeatKey,
  makeLayout,
  MAX_PACKET_BYTES,
  MIN_PACKET_BYTES,
  toBitmap,
  type Heartbeat,
} from '../../../backend/membership';
import { prng, randInt } from '../../support/prng';

const KEY = heartbeatKey('s3cret');
const REASONS = ['malformed', 'wrong_cluster', 'bad_mac'];

function sample(over: Partial<Heartbeat> = {}): Heartbeat {
  return {
    cluster: 'cluster',
    from: 'server1',
    to: 'server2',
    interconnect: 1,
    incarnation: 0xfedcba9876543210n,
    seq: 4242,
    sentAt: 123456.789,
    echo: { seq: 4241, sentAt: 99999.5, delayMs: 12.345 },
    revision: 17,
    hash: 'a1'.repeat(32),
    layout: '0123456789abcdef',
    hears: { size: 32, members: [0, 1, 31] },
    groups: { size: 128, members: [0, 64, 127] },
    epochs: [33, 0xffffffff, 64],
    desired: { revision: 0xfffffffe, stopped: { size: 128, members: [1, 127] }, started: { size: 128, members: [64] } },
    version: 3,
    ...over,
  };
}

describe('heartbeat codec', () => {
  test('round trip keeps every field', () => {
    const hb = sample();
    const r = decodeHeartbeat(encodeHeartbeat(hb, KEY), KEY, 'cluster');
    expect(r).toEqual({ ok: true, heartbeat: hb });
  });

  test('no echo, empty hash and empty bitmaps round trip too', () => {
    const hb = sample({
      echo: null,
      hash: '',
      hears: { size: 0, members: [] },
      groups: { size: 0, members: [] },
      epochs: [],
      desired: { revision: 0, stopped: { size: 0, members: [] }, started: { size: 0, members: [] } },
    });
    const packet = encodeHeartbeat({ ...hb, from: 'a', to: 'b', cluster: 'c' }, KEY);
    // Version 2's epoch count; version 3's desired revision and two empty bitmaps.
    expect(packet.length).toBe(MIN_PACKET_BYTES + 1 + 4 + 2);
    expect(decodeHeartbeat(packet, KEY, 'c')).toEqual({
      ok: true,
      heartbeat: { ...hb, from: 'a', to: 'b', cluster: 'c' },
    });
  });

  test('a maximum-size cluster (32 servers, 128 groups, all held) fits one datagram with room to spare', () => {
    const servers = Array.from({ length: 32 }, (_, i) => `server${i + 1}`);
    const groups = Array.from({ length: 128 }, (_, i) => `group${i + 1}`);
    const layout = makeLayout(servers, groups);
    expect(checkSummary({ revision: 1, hash: 'f'.repeat(64), groups }, layout)).toBeNull();
    const hb = sample({
      cluster: 'max',
      from: 'server31',
      to: 'server32',
      layout: layout.digest,
      hears: toBitmap(servers, layout.serverIndex),
      groups: toBitmap(groups, layout.groupIndex),
      epochs: groups.map((_, i) => 0xffffff00 + i),
      desired: {
        revision: 0xffffffff,
        stopped: toBitmap(groups.slice(0, 64), layout.groupIndex),
        started: toBitmap(groups.slice(64), layout.groupIndex),
      },
    });
    const size = encodeHeartbeat(hb, KEY).length;
    expect(size).toBe(672 + 4 + 2 * 17);
    // The largest the schema allows: 63-character names, a 64-byte hash, 32 servers and 128
    // groups, every group held.
    const long = (c: string) => c.repeat(63);
    const all = (n: number) => ({ size: n, members: Array.from({ length: n }, (_, i) => i) });
    const worst = sample({
      cluster: long('c'),
      from: long('f'),
      to: long('t'),
      hash: 'f'.repeat(128),
      hears: all(32),
      groups: all(128),
      epochs: Array.from({ length: 128 }, () => 0xffffffff),
      desired: { revision: 0xffffffff, stopped: all(128), started: all(128) },
    });
    const worstSize = encodeHeartbeat(worst, KEY).length;
    expect(worstSize).toBe(912);
    expect(worstSize).toBeLessThan(MAX_PACKET_BYTES);
    expect(decodeHeartbeat(encodeHeartbeat(worst, KEY), KEY, long('c')).ok).toBe(true);
    // The format's own worst case (255-entry bitmaps, beyond the schema) as versions 1 and 2
    // could send it still fits.
    const formatWorst = {
      ...worst,
      hears: all(255),
      groups: all(255),
      epochs: Array.from({ length: 255 }, () => 0xffffffff),
    };
    expect(encodeHeartbeat({ ...formatWorst, version: 2 }, KEY).length).toBe(1426);
  });

  test('the encoder refuses what it cannot represent', () => {
    expect(() => encodeHeartbeat(sample({ from: 'bad name' }), KEY)).toThrow(/from "bad name" is not a valid name/);
    expect(() => encodeHeartbeat(sample({ hash: 'ABC' }), KEY)).toThrow(/hex/);
    expect(() => encodeHeartbeat(sample({ seq: 2 ** 32 }), KEY)).toThrow(/out of range/);
  });

  test('version 1 and 2 packets (agents not yet upgraded) are read, with epochs 0 and no desired state, and can be sent', () => {
    const v3size = encodeHeartbeat(sample(), KEY).length;
    const v2 = sample({ version: 2, desired: null });
    const p2 = encodeHeartbeat({ ...v2, desired: sample().desired }, KEY); // not sent in version 2
    expect(p2.length).toBe(v3size - 4 - 2 * 17);
    expect(p2[0]).toBe(2);
    expect(decodeHeartbeat(p2, KEY, 'cluster')).toEqual({ ok: true, heartbeat: v2 });
    const v1 = sample({ version: 1, epochs: [], desired: null });
    const packet = encodeHeartbeat(v1, KEY);
    expect(packet.length).toBe(p2.length - 1 - 3 * 4);
    expect(packet[0]).toBe(1);
    expect(decodeHeartbeat(packet, KEY, 'cluster')).toEqual({ ok: true, heartbeat: v1 });
    const v4 = Buffer.from(encodeHeartbeat(sample(), KEY));
    v4[0] = 4;
    expect(decodeHeartbeat(v4, KEY, 'cluster')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(() => encodeHeartbeat(sample({ epochs: [1] }), KEY)).toThrow(/one for one/);
  });

  test('the key is derived from the secret, not the secret itself', () => {
    expect(heartbeatKey('s3cret')).toEqual(KEY);
    expect(heartbeatKey('s3cret')).not.toEqual(Buffer.from('s3cret'));
    expect(heartbeatKey('s3cret2')).not.toEqual(KEY);
  });

  test('wrong secret -> bad_mac; other cluster -> wrong_cluster', () => {
    const packet = encodeHeartbeat(sample(), KEY);
    expect(decodeHeartbeat(packet, heartbeatKey('other'), 'cluster')).toMatchObject({ ok: false, reason: 'bad_mac' });
    expect(decodeHeartbeat(packet, KEY, 'cluster2')).toMatchObject({ ok: false, reason: 'wrong_cluster' });
  });

  test('altering any single byte, in any way, gets the packet refused', () => {
    const packet = encodeHeartbeat(sample(), KEY);
    const seen = new Set<string>();
    for (let i = 0; i < packet.length; i++) {
      for (const mask of [0x01, 0x02, 0x10, 0x80, 0xff]) {
        const t = Buffer.from(packet);
        t[i] ^= mask;
        const r = decodeHeartbeat(t, KEY, 'cluster');
        if (r.ok) {
          throw new Error(`byte ${i} ^ ${mask} was accepted`);
        }
        seen.add(r.reason);
      }
    }
    expect([...seen].sort()).toEqual([...REASONS].sort());
  });

  test('every truncation and every extension is malformed', () => {
    const packet = encodeHeartbeat(sample(), KEY);
    for (let n = 0; n < packet.length; n++) {
      const r = decodeHeartbeat(packet.subarray(0, n), KEY, 'cluster');
      expect(r.ok).toBe(false);
    }
    const longer = Buffer.concat([packet, Buffer.from([0])]);
    expect(decodeHeartbeat(longer, KEY, 'cluster').ok).toBe(false);
    expect(decodeHeartbeat(Buffer.alloc(MAX_PACKET_BYTES + 1), KEY, 'cluster')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  test('authentic but structurally wrong bodies are malformed, not accepted', () => {
    const packet = encodeHeartbeat(sample({ version: 1, epochs: [] }), KEY); // groups last
    const body = packet.subarray(0, packet.length - 32);
    const sign = (b: Buffer) =>
      Buffer.concat([b, require('node:crypto').createHmac('sha256', KEY).update(b).digest() as Buffer]);
    // An extra byte before the MAC.
    expect(decodeHeartbeat(sign(Buffer.concat([body, Buffer.from([0])])), KEY, 'cluster')).toMatchObject({
      reason: 'malformed',
    });
    // A bitmap bit set beyond its size: groups are last, 128 bits = 16 bytes, size byte before.
    const bits = Buffer.from(body);
    bits[bits.length - 17] = 127; // size 127, bit 127 set
    expect(decodeHeartbeat(sign(bits), KEY, 'cluster')).toMatchObject({ reason: 'malformed' });
    // Sequence 0.
    const zero = encodeHeartbeat(sample({ seq: 0 }), KEY);
    expect(decodeHeartbeat(zero, KEY, 'cluster')).toMatchObject({ reason: 'malformed' });
    // Unknown version.
    const v4 = Buffer.from(body);
    v4[0] = 4;
    expect(decodeHeartbeat(sign(v4), KEY, 'cluster')).toMatchObject({
      reason: 'malformed',
      detail: 'unsupported version 4',
    });
    // Version 3 with a desired-state bit beyond its bitmap: stopped (bit 127 set) comes
    // before started, each a size byte and 16 bytes.
    const v3 = encodeHeartbeat(sample(), KEY);
    const v3body = Buffer.from(v3.subarray(0, v3.length - 32));
    v3body[v3body.length - 34] = 127;
    expect(decodeHeartbeat(sign(v3body), KEY, 'cluster')).toMatchObject({ reason: 'malformed' });
    // Version 2 with an epoch count that is not the held-group count.
    const v2 = encodeHeartbeat(sample({ version: 2, desired: null }), KEY);
    const v2body = Buffer.from(v2.subarray(0, v2.length - 32));
    v2body[v2body.length - 13] = 2; // the count byte before three u32 epochs
    expect(decodeHeartbeat(sign(v2body), KEY, 'cluster')).toMatchObject({
      reason: 'malformed',
      detail: '2 claim epochs for 3 held groups',
    });
  });

  test('10,000 seeded random buffers never make the decoder throw', () => {
    const rand = prng(20240611);
    const counts: Record<string, number> = {};
    const header = encodeHeartbeat(sample(), KEY).subarray(0, 11); // version, ic, "cluster"
    for (let i = 0; i < 10_000; i++) {
      const length = randInt(rand, 0, i % 10 === 0 ? 1600 : 220);
      const b = Buffer.alloc(length);
      for (let j = 0; j < length; j++) {
        b[j] = randInt(rand, 0, 255);
      }
      if (i % 2 === 0) {
        header.copy(b, 0, 0, Math.min(header.length, b.length)); // reach the MAC check and beyond
      }
      let r;
      try {
        r = decodeHeartbeat(b, KEY, 'cluster');
      } catch (e) {
        throw new Error(`random buffer ${i} threw: ${String(e)}`);
      }
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(REASONS).toContain(r.reason);
        expect(r.detail).not.toMatch(/decoder error/);
        counts[r.reason] = (counts[r.reason] ?? 0) + 1;
      }
    }
    expect(counts.bad_mac).toBeGreaterThan(3000);
    expect(counts.malformed).toBeGreaterThan(1000);
  });

  test('a Uint8Array view at an offset decodes like a Buffer', () => {
    const packet = encodeHeartbeat(sample(), KEY);
    const big = new Uint8Array(packet.length + 10);
    big.set(packet, 5);
    expect(decodeHeartbeat(big.subarray(5, 5 + packet.length), KEY, 'cluster').ok).toBe(true);
  });
});
