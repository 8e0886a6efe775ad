// ASF presence ping / pong codec: exact bytes, a pong captured from ipmi_sim, every reject
// reason, and a seeded fuzz run that must never throw.
import { prng } from '../../support/prng';
import {
  decodePresencePong,
  encodePresencePing,
  encodePresencePong,
  PONG_LENGTH,
  type PongRejectReason,
} from '../../../backend/bmc/rmcp-codec';

// The pong OpenIPMI ipmi_sim 2.0.33 sent for a ping with tag 0x42 (captured on loopback):
// RMCP 06 00 FF 06 | ASF IANA 4542 | pong 0x40, tag 0x42, len 16 | OEM IANA 4542, OEM 0 |
// entities 0x81 (IPMI supported, ASF 1.0) | interactions 0x00 | 6 reserved bytes.
const IPMI_SIM_PONG = Buffer.from('0600ff06000011be40420010000011be000000008100000000000000', 'hex');

const REASONS: PongRejectReason[] = [
  'short',
  'not-rmcp',
  'rmcp-ack',
  'not-asf',
  'not-pong',
  'tag-mismatch',
  'truncated',
];

describe('presence ping', () => {
  test('is the 12 bytes of DSP0136 3.2.4.1 with the tag in byte 9', () => {
    expect(encodePresencePing(0x42).toString('hex')).toBe('0600ff06000011be80420000');
    expect(encodePresencePing(0).toString('hex')).toBe('0600ff06000011be80000000');
    expect(encodePresencePing(254)[9]).toBe(254);
  });

  test.each([-1, 255, 1.5, NaN])('refuses tag %p (0xFF means "no response expected")', (tag) => {
    expect(() => encodePresencePing(tag)).toThrow(RangeError);
  });
});

describe('presence pong', () => {
  test('decodes the pong captured from ipmi_sim', () => {
    expect(decodePresencePong(IPMI_SIM_PONG, 0x42)).toEqual({
      ok: true,
      pong: {
        tag: 0x42,
        oemIana: 4542,
        oemDefined: 0,
        ipmiSupported: true,
        asfVersion: 1,
        securityExtensions: false,
        dashSupported: false,
        supportedEntities: 0x81,
        supportedInteractions: 0x00,
      },
    });
  });

  test('round-trips every field through encodePresencePong', () => {
    const random = prng(7);
    for (let i = 0; i < 500; i++) {
      const fields = {
        tag: Math.floor(random() * 255),
        oemIana: Math.floor(random() * 2 ** 32),
        oemDefined: Math.floor(random() * 2 ** 32),
        supportedEntities: Math.floor(random() * 256),
        supportedInteractions: Math.floor(random() * 256),
      };
      const decoded = decodePresencePong(encodePresencePong(fields), fields.tag);
      expect(decoded.ok).toBe(true);
      if (decoded.ok) {
        expect(decoded.pong).toMatchObject(fields);
        expect(decoded.pong.ipmiSupported).toBe((fields.supportedEntities & 0x80) !== 0);
        expect(decoded.pong.asfVersion).toBe(fields.supportedEntities & 0x0f);
        expect(decoded.pong.securityExtensions).toBe((fields.supportedInteractions & 0x80) !== 0);
        expect(decoded.pong.dashSupported).toBe((fields.supportedInteractions & 0x20) !== 0);
      }
    }
  });

  test('without an expected tag any tag is accepted; trailing padding is ignored', () => {
    const padded = Buffer.concat([IPMI_SIM_PONG, Buffer.alloc(10, 0xee)]);
    expect(decodePresencePong(padded)).toMatchObject({ ok: true, pong: { tag: 0x42 } });
  });

  const mutate = (at: number, value: number) => {
    const b = Buffer.from(IPMI_SIM_PONG);
    b[at] = value;
    return b;
  };

  test.each<[string, PongRejectReason, Uint8Array]>([
    ['empty', 'short', Buffer.alloc(0)],
    ['11 bytes', 'short', IPMI_SIM_PONG.subarray(0, 11)],
    ['RMCP version 0x07', 'not-rmcp', mutate(0, 0x07)],
    ['an RMCP ACK (class bit 7)', 'rmcp-ack', mutate(3, 0x86)],
    ['RMCP class IPMI (0x07)', 'not-asf', mutate(3, 0x07)],
    ['another IANA number', 'not-asf', mutate(7, 0xbf)],
    ['our own ping echoed back', 'not-pong', encodePresencePing(0x42)],
    ['a pong for tag 0x41', 'tag-mismatch', mutate(9, 0x41)],
    ['data length 8', 'truncated', mutate(11, 8)],
    ['cut after 20 bytes', 'truncated', IPMI_SIM_PONG.subarray(0, 20)],
  ])('rejects %s as %s', (_name, reason, bytes) => {
    const r = decodePresencePong(bytes, 0x42);
    expect(r).toMatchObject({ ok: false, reason });
    expect(r.ok ? '' : r.detail).not.toBe('');
  });

  test('rejects input that is not bytes at all, without throwing', () => {
    for (const junk of [undefined, null, 'pong', 42, {}, [6, 0, 255, 6]]) {
      expect(decodePresencePong(junk as unknown as Uint8Array)).toMatchObject({ ok: false, reason: 'short' });
    }
  });

  test('10,000 seeded random and mutated buffers never throw and always give a pong or a known reason', () => {
    const random = prng(20240623);
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) {
      let bytes: Buffer;
      if (i % 2 === 0) {
        bytes = Buffer.alloc(Math.floor(random() * 64));
        for (let j = 0; j < bytes.length; j++) {
          bytes[j] = Math.floor(random() * 256);
        }
      } else {
        // Mutations of a real pong reach the deeper branches that random bytes rarely do.
        bytes = Buffer.from(IPMI_SIM_PONG.subarray(0, Math.floor(random() * (PONG_LENGTH + 8))));
        const flips = 1 + Math.floor(random() * 3);
        for (let f = 0; f < flips && bytes.length > 0; f++) {
          bytes[Math.floor(random() * bytes.length)] ^= 1 << Math.floor(random() * 8);
        }
      }
      const expectedTag = random() < 0.5 ? 0x42 : undefined;
      const r = decodePresencePong(bytes, expectedTag);
      if (r.ok) {
        accepted++;
        expect(r.pong.tag).toBeGreaterThanOrEqual(0);
      } else if (!REASONS.includes(r.reason) || typeof r.detail !== 'string') {
        throw new Error(`buffer ${bytes.toString('hex')}: unexpected result ${JSON.stringify(r)}`);
      }
    }
    // Flipping bits of reserved or OEM bytes leaves a valid pong: the mutated half accepts some.
    expect(accepted).toBeGreaterThan(0);
  });
});
