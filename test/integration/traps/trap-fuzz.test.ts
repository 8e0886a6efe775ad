/**
 * 50,000 hostile datagrams from an allowed source into a real agent: random bytes,
 * truncations, bit flips and oversized copies of real snmptrap packets (v1, v2c, v3),
 * and v3 packets with invented engine IDs (the key-cache flood). The agent must stay
 * up, keep its memory bounded, and account for every datagram in its counters.
 */
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { buildPetData } from '../../../backend/traps/pet/build';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { prng } from '../../support/prng';
import { ip } from '../../support/isolation';

const TRAP_PORT = 10272;
const CAPTURE_PORT = 10273;
const BMC1 = ip('127.0.1.1');
const TOTAL = 50_000;

const config = {
  cluster: { name: 'fuzz', secret: { env: 'LIFELINE_CLUSTER_SECRET' } },
  servers: [
    {
      name: 'server1',
      api: { address: ip('127.0.0.1'), port: 29112 },
      bmc: { address: BMC1, user: 'admin', password: { env: 'BMC_PW' } },
    },
    { name: 'server2', api: { address: ip('127.0.0.2'), port: 29112 } },
  ],
  interconnects: [{ type: 'lan', port: 29103, addresses: { server1: ip('127.0.0.1'), server2: ip('127.0.0.2') } }],
  groups: [{ name: 'failover1' }],
  traps: {
    users: [
      {
        name: 'bmcuser',
        authProtocol: 'sha',
        authKey: { env: 'LL_AUTH' },
        privProtocol: 'aes',
        privKey: { env: 'LL_PRIV' },
      },
    ],
  },
  monitors: [
    {
      name: 'mrw1',
      type: 'message-receive',
      category: 'BMCNOTICE',
      keyword: `${ip('127.0.0.1')}:${TRAP_PORT}`,
      servers: ['server1'],
      recovery: { targetType: 'group', target: 'failover1' },
    },
  ],
};

let agent: RunningAgent;

beforeAll(async () => {
  agent = await startAgent(config, 'server1', {
    env: { LL_AUTH: 'fuzz-auth-phrase', LL_PRIV: 'fuzz-priv-phrase', BMC_PW: 'x' },
  });
}, 30_000);
afterAll(async () => agent?.stop());

/** Real packets as snmptrap builds them, captured on a scratch socket. */
async function capture(args: string[]): Promise<Buffer> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(CAPTURE_PORT, ip('127.0.0.1'), r));
  const got = new Promise<Buffer>((r) => s.once('message', (m) => r(m)));
  spawnSync('snmptrap', ['-t', '1', '-r', '0', ...args], { timeout: 10_000 });
  const packet = await got;
  s.close();
  return packet;
}

async function totalPackets(): Promise<number> {
  const text = (await agent.request('GET', '/metrics', undefined, agent.tokens.viewer)).body as string;
  return text
    .split('\n')
    .filter((l) => l.startsWith('lifeline_trap_packets_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function rss(): Promise<number> {
  const text = (await agent.request('GET', '/metrics', undefined, agent.tokens.viewer)).body as string;
  return metricValue(text, 'lifeline_process_resident_memory_bytes') ?? 0;
}

test(`${TOTAL} random, truncated, bit-flipped and oversized datagrams: alive, bounded, all counted`, async () => {
  const pet = buildPetData({ specific: 880385, severity: 0x10, sequence: 7 }).toString('hex');
  const to = `${ip('127.0.0.1')}:${CAPTURE_PORT}`;
  const seeds = [
    await capture([
      '-v',
      '1',
      '-c',
      'public',
      to,
      '1.3.6.1.4.1.3183.1.1',
      BMC1,
      '6',
      '880385',
      '',
      '1.3.6.1.4.1.3183.1.1.1',
      'x',
      pet,
    ]),
    await capture([
      '-v',
      '2c',
      '-c',
      'public',
      to,
      '',
      '1.3.6.1.4.1.3183.1.1.0.262402',
      '1.3.6.1.4.1.3183.1.1.1',
      'x',
      pet,
    ]),
    await capture([
      '-v',
      '3',
      '-u',
      'bmcuser',
      '-l',
      'authPriv',
      '-a',
      'SHA',
      '-A',
      'fuzz-auth-phrase',
      '-x',
      'AES',
      '-X',
      'fuzz-priv-phrase',
      '-e',
      '0x80001f8880010203',
      to,
      '',
      '1.3.6.1.4.1.3183.1.1.0.262402',
    ]),
  ];
  const engineAt = seeds[2].indexOf(Buffer.from('80001f8880010203', 'hex'));
  expect(engineAt).toBeGreaterThan(0);

  const rnd = prng(0xfeed);
  const packets: Buffer[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const kind = i % 5;
    const seed = seeds[Math.floor(rnd() * seeds.length)];
    let p: Buffer;
    if (kind === 0) {
      p = Buffer.alloc(Math.floor(rnd() * 600));
      for (let j = 0; j < p.length; j++) {
        p[j] = Math.floor(rnd() * 256);
      }
    } else if (kind === 1) {
      p = seed.subarray(0, Math.floor(rnd() * seed.length));
    } else if (kind === 2) {
      p = Buffer.from(seed);
      for (let f = 1 + Math.floor(rnd() * 6); f > 0; f--) {
        const bit = Math.floor(rnd() * p.length * 8);
        p[bit >> 3] ^= 1 << (bit & 7);
      }
    } else if (kind === 3) {
      p = Buffer.concat([seed, Buffer.alloc(Math.floor(rnd() * 20_000), Math.floor(rnd() * 256))]);
    } else {
      // The engine-ID flood: a valid v3 packet of a known user, each with a new engine ID.
      p = Buffer.from(seeds[2]);
      p.writeUInt32BE(i, engineAt + 4);
    }
    packets.push(p);
  }

  const before = await totalPackets();
  const rssBefore = await rss();
  const sender = dgram.createSocket('udp4');
  await new Promise<void>((r) => sender.bind(0, BMC1, r));
  // Closed loop: each batch is sent only when the previous one is accounted for, so the
  // kernel never drops (this test is about accounting and robustness; the bench is about speed).
  let sent = 0;
  for (let i = 0; i < packets.length; i += 1000) {
    const batch = packets.slice(i, i + 1000);
    for (let j = 0; j < batch.length; j += 100) {
      await Promise.all(
        batch
          .slice(j, j + 100)
          .map((p) => new Promise<void>((r) => sender.send(p, TRAP_PORT, ip('127.0.0.1'), () => r())))
      );
      await new Promise((r) => setImmediate(r));
    }
    sent += batch.length;
    await eventually(
      async () => ((await totalPackets()) - before >= sent ? true : undefined),
      20_000,
      `${sent} datagrams counted`
    );
  }
  sender.close();
  const counted = (await totalPackets()) - before;
  expect(counted).toBe(TOTAL);
  expect(agent.child.exitCode).toBeNull();
  expect((await agent.request('GET', '/api/v1/healthz')).status).toBe(200);
  const grown = (await rss()) - rssBefore;
  process.stderr.write(
    `trap fuzz: ${TOTAL} datagrams counted; RSS ${Math.round(rssBefore / 1e6)} MB -> +${Math.round(grown / 1e6)} MB\n`
  );
  expect(grown).toBeLessThan(150e6);
}, 120_000);
