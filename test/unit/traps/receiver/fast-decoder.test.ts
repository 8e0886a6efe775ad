import dgram from 'node:dgram';
import * as snmp from 'net-snmp';
import { fastDecode } from '../../../../backend/traps/receiver/fast-decoder';
import { SourcePolicy } from '../../../../backend/traps/receiver/source-policy';
import { TrapReceiver, type PacketResult, type ReceivedTrap } from '../../../../backend/traps/receiver/snmp-receiver';
import { buildPetData } from '../../../../backend/traps/pet/build';
import { encodeTrap } from './packets';

const T = snmp.ObjectType;
const pet = buildPetData({ specific: 880385, severity: 0x10, sequence: 9, time: new Date(Date.UTC(2026, 10, 25)) });
const communities = new Set(['public']);

const samples: Array<[string, Buffer]> = [
  [
    'v1 PET',
    encodeTrap({
      version: 'v1',
      specific: 880385,
      varbinds: [{ oid: '1.3.6.1.4.1.3183.1.1.1', type: T.OctetString, value: pet }],
    }),
  ],
  [
    'v2c PET',
    encodeTrap({
      version: 'v2c',
      specific: 262402,
      varbinds: [{ oid: '1.3.6.1.4.1.3183.1.1.1', type: T.OctetString, value: pet }],
    }),
  ],
  ['v1 PET without data', encodeTrap({ version: 'v1', specific: 262530 })],
  [
    'v1 generic linkDown',
    encodeTrap({
      version: 'v1',
      generic: 2,
      enterprise: '1.3.6.1.4.1.9',
      varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: T.Integer, value: 3 }],
    }),
  ],
  [
    'v2c with every common value type',
    encodeTrap({
      version: 'v2c',
      trapOid: '1.3.6.1.4.1.674.10892.5.3.2.1',
      varbinds: [
        { oid: '1.3.6.1.4.1.674.1', type: T.Integer, value: -42 },
        { oid: '1.3.6.1.4.1.674.2', type: T.OctetString, value: 'chassis intrusion' },
        { oid: '1.3.6.1.4.1.674.3', type: T.OID, value: '1.3.6.1.4.1.674.10892.5' },
        { oid: '1.3.6.1.4.1.674.4', type: T.IpAddress, value: '192.0.2.7' },
        { oid: '1.3.6.1.4.1.674.5', type: T.Counter, value: 4000000000 },
        { oid: '1.3.6.1.4.1.674.6', type: T.Gauge, value: 7 },
        { oid: '1.3.6.1.4.1.674.7', type: T.TimeTicks, value: 123456 },
        { oid: '1.3.6.1.4.1.674.8', type: T.Null, value: null },
      ],
    }),
  ],
  ['v1 wrong community', encodeTrap({ version: 'v1', community: 'private', specific: 880385 })],
];

/** Runs datagrams through net-snmp only (fast path off), over a real loopback socket. */
async function viaNetSnmp(packets: Buffer[]): Promise<Array<{ result: PacketResult; trap?: ReceivedTrap }>> {
  const out: Array<{ result: PacketResult; trap?: ReceivedTrap }> = [];
  let last: ReceivedTrap | undefined;
  const receiver = new TrapReceiver({
    endpoints: [{ address: '127.0.0.1', port: 0 }],
    communities: ['public'],
    users: [],
    receiveBufferBytes: 1 << 20,
    policy: new SourcePolicy(new Map([['127.0.0.1', 'server1']]), []),
    fastPath: false,
    onTrap: (t) => (last = t),
    onResult: (result) => {
      out.push({ result });
    },
  });
  const [bound] = await receiver.start();
  const port = (receiver as unknown as { sockets: dgram.Socket[] }).sockets[0].address().port;
  expect(bound.endpoint.address).toBe('127.0.0.1');
  const sender = dgram.createSocket('udp4');
  const results: Array<{ result: PacketResult; trap?: ReceivedTrap }> = [];
  for (const p of packets) {
    const before = out.length;
    last = undefined;
    await new Promise<void>((r) => sender.send(p, port, '127.0.0.1', () => r()));
    for (let i = 0; i < 200 && out.length === before; i++) {
      await new Promise((r) => setTimeout(r, 2));
    }
    results.push({ result: out[before]?.result ?? ('none' as PacketResult), trap: last });
  }
  sender.close();
  await receiver.stop();
  return results;
}

function comparable(t: {
  version: string;
  trapOid: string;
  varbinds: unknown[];
  pet?: { specific: number; data?: Buffer };
  enterprise?: string;
  generic?: number;
  specific?: number;
  agentAddr?: string;
}) {
  return {
    version: t.version,
    trapOid: t.trapOid,
    enterprise: t.enterprise,
    generic: t.generic,
    specific: t.specific,
    agentAddr: t.agentAddr,
    varbinds: JSON.parse(JSON.stringify(t.varbinds)),
    pet: t.pet ? { specific: t.pet.specific, data: t.pet.data?.toString('hex') } : undefined,
  };
}

describe('fast v1/v2c decoder', () => {
  test('the samples are what they claim (a v1 PET is enterprise 3183.1.1, specific 880385)', () => {
    const fast = fastDecode(samples[0][1], communities);
    expect(fast).toMatchObject({
      kind: 'trap',
      trap: { enterprise: '1.3.6.1.4.1.3183.1.1', generic: 6, specific: 880385, pet: { specific: 880385 } },
    });
  });

  test('decodes real encodings exactly as net-snmp does', async () => {
    const fromNetSnmp = await viaNetSnmp(samples.map((s) => s[1]));
    samples.forEach(([name, packet], i) => {
      const fast = fastDecode(packet, communities);
      const slow = fromNetSnmp[i];
      if (name === 'v1 wrong community') {
        expect(fast.kind).toBe('bad-community');
        expect(slow.result).toBe('bad-community');
        return;
      }
      expect(fast.kind).toBe('trap');
      expect(slow.result).toBe('accepted');
      if (fast.kind === 'trap') {
        expect({ name, ...comparable(fast.trap) }).toEqual({ name, ...comparable(slow.trap!) });
      }
    });
  });

  test('on mutated packets it never disagrees with net-snmp: same trap, same rejection, or hands over', async () => {
    let seed = 99;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const mutated: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const base = samples[i % samples.length][1];
      const p = Buffer.from(base);
      if (i % 3 === 0) {
        mutated.push(p.subarray(0, Math.floor(rnd() * p.length)));
        continue;
      }
      for (let f = 1 + Math.floor(rnd() * 3); f > 0; f--) {
        const bit = Math.floor(rnd() * p.length * 8);
        p[bit >> 3] ^= 1 << (bit & 7);
      }
      mutated.push(p);
    }
    const fromNetSnmp = await viaNetSnmp(mutated);
    let taken = 0;
    mutated.forEach((p, i) => {
      const fast = fastDecode(p, communities);
      if (fast.kind === 'fallback') {
        return;
      }
      taken++;
      if (fast.kind === 'bad-community') {
        expect(fromNetSnmp[i].result).toBe('bad-community');
      } else {
        expect(fromNetSnmp[i].result).toBe('accepted');
        expect(comparable(fast.trap)).toEqual(comparable(fromNetSnmp[i].trap!));
      }
    });
    expect(taken).toBeGreaterThan(50); // the comparison really ran on packets the fast path accepts
  });

  test('hands informs, v3 and garbage to net-snmp', () => {
    expect(fastDecode(Buffer.from('garbage'), communities).kind).toBe('fallback');
    expect(fastDecode(Buffer.alloc(0), communities).kind).toBe('fallback');
    const v2 = samples[1][1];
    const inform = Buffer.from(v2);
    inform[inform.indexOf(0xa7)] = 0xa6; // SNMPv2-Trap-PDU -> InformRequest-PDU
    expect(fastDecode(inform, communities).kind).toBe('fallback');
  });
});
