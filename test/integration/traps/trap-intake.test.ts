/**
 * Trap intake through a real agent process, with Debian's snmptrap and snmpinform as the
 * BMCs: every path of the issue (v1, v2c, v3 authPriv, informs, wrong community and keys,
 * replay, denied source, non-PET traps) asserted on the API, the event log and metrics.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { buildPetData } from '../../../backend/traps/pet/build';
import { lifeline } from '../../support/cli';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { ip } from '../../support/isolation';

const TRAP_PORT = 10262;
const KEYWORD = `${ip('127.0.0.1')}:${TRAP_PORT}`;
const BMC1 = ip('127.0.1.1');
const AUTH = 'auth-pass-phrase-1';
const PRIV = 'priv-pass-phrase-1';

const config = {
  cluster: { name: 'traps', secret: { env: 'LIFELINE_CLUSTER_SECRET' } },
  servers: [
    {
      name: 'server1',
      api: { address: ip('127.0.0.1'), port: 29111 },
      bmc: { address: BMC1, port: 29623, user: 'admin', password: { env: 'BMC_PW' } },
    },
    {
      name: 'server2',
      api: { address: ip('127.0.0.2'), port: 29111 },
      bmc: { address: ip('127.0.1.2'), port: 29623, user: 'admin', password: { env: 'BMC_PW' } },
    },
  ],
  interconnects: [
    { type: 'lan', port: 29102, addresses: { server1: ip('127.0.0.1'), server2: ip('127.0.0.2') } },
    { type: 'bmc', addresses: { server1: BMC1, server2: ip('127.0.1.2') } },
  ],
  groups: [{ name: 'failover1' }],
  traps: {
    users: [
      {
        name: 'bmcuser',
        authProtocol: 'sha256',
        authKey: { env: 'LL_AUTH' },
        privProtocol: 'aes',
        privKey: { env: 'LL_PRIV' },
      },
    ],
  },
  monitors: [
    { name: 'userw', type: 'user-mode' },
    {
      name: 'mrw1',
      type: 'message-receive',
      category: 'BMCNOTICE',
      perServer: { server1: { keyword: KEYWORD }, server2: { keyword: `${ip('127.0.0.2')}:${TRAP_PORT}` } },
      recovery: { targetType: 'group', target: 'failover1' },
      pet: { clearOnDeassertion: true },
    },
  ],
};

let agent: RunningAgent;
let sequence = 100;

function petHex(specific: number, severity: number, seq = ++sequence): string {
  const hex = buildPetData({ specific, severity, sequence: seq, time: new Date() }).toString('hex');
  return hex.match(/../g)!.join(' ');
}

function snmp(tool: 'snmptrap' | 'snmpinform', args: string[], from = BMC1) {
  const r = spawnSync(tool, [`--clientaddr=${from}`, '-t', '1', '-r', '0', ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function v1Pet(specific: number, severity: number, options: { community?: string; from?: string; seq?: number } = {}) {
  return snmp(
    'snmptrap',
    [
      '-v',
      '1',
      '-c',
      options.community ?? 'public',
      KEYWORD,
      '1.3.6.1.4.1.3183.1.1',
      BMC1,
      '6',
      String(specific),
      '',
      '1.3.6.1.4.1.3183.1.1.1',
      'x',
      petHex(specific, severity, options.seq),
    ],
    options.from
  );
}

/** SNMPv3 authPriv arguments; traps name the sender's engine, informs discover ours. */
const v3 = (auth: string, priv: string, engine: string | null = '0x80001f8880aabbccdd') => [
  ...['-v', '3', '-u', 'bmcuser', '-l', 'authPriv', '-a', 'SHA-256', '-A', auth, '-x', 'AES', '-X', priv],
  ...(engine ? ['-e', engine] : []),
];

async function metrics(): Promise<string> {
  return (await agent.request('GET', '/metrics', undefined, agent.tokens.viewer)).body as string;
}

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  return metricValue(await metrics(), name, labels) ?? 0;
}

async function monitorStatus(server = 'server1'): Promise<string> {
  const r = await agent.request('GET', '/api/v1/monitors', undefined, agent.tokens.viewer);
  return r.body.monitors.find((m: { monitor: string; server: string }) => m.monitor === 'mrw1' && m.server === server)
    .status;
}

async function waitFor(name: string, labels: Record<string, string>, atLeast: number) {
  return eventually(
    async () => ((await counter(name, labels)) >= atLeast ? true : undefined),
    5000,
    `${name}${JSON.stringify(labels)} >= ${atLeast}`
  );
}

async function clear() {
  await agent.request('POST', '/api/v1/monitors/mrw1/clear', {}, agent.tokens.operator);
}

beforeAll(async () => {
  agent = await startAgent(config, 'server1', { env: { LL_AUTH: AUTH, LL_PRIV: PRIV, BMC_PW: 'secret' } });
}, 30_000);

afterAll(async () => {
  await agent?.stop();
});

describe('SNMP trap intake (real agent, real snmptrap)', () => {
  test('a v1 fatal PET puts the monitor in error with a decoded event and a recovery request', async () => {
    expect(v1Pet(880385, 0x10).code).toBe(0);
    await eventually(async () => ((await monitorStatus()) === 'error' ? true : undefined), 5000, 'mrw1 in error');
    const events = (await agent.request('GET', '/api/v1/events?type=trap&limit=5', undefined, agent.tokens.viewer)).body
      .events;
    const e = events[0];
    expect(e).toMatchObject({
      server: 'server1',
      class: 'fatal',
      summary: 'Drive Slot (Bay): Drive Fault',
      monitor: 'mrw1',
    });
    expect(e.fields.pet).toMatchObject({
      specific: 880385,
      sensorType: 0x0d,
      eventType: 0x6f,
      offset: 1,
      direction: 'assertion',
    });
    expect(e.fields.pet.data).toMatchObject({ severity: 0x10, length: 47, sequence: sequence });
    expect(e.raw).toMatch(/^30/); // the whole datagram, hex
    const recovery = (
      await agent.request('GET', '/api/v1/events?type=recovery-request', undefined, agent.tokens.viewer)
    ).body.events;
    expect(recovery[0]).toMatchObject({ monitor: 'mrw1', server: 'server1', class: 'fatal' });
    expect(
      await counter('lifeline_traps_received_total', {
        server: 'server1',
        class: 'fatal',
        sensor_type: 'Drive Slot (Bay)',
      })
    ).toBe(1);
    expect(await counter('lifeline_recovery_requests_total', { monitor: 'mrw1', server: 'server1' })).toBe(1);
    expect(await counter('lifeline_trap_last_fatal_timestamp_seconds', { server: 'server1' })).toBeGreaterThan(
      Date.now() / 1000 - 60
    );
  });

  test('the matching deassertion clears the monitor (clearOnDeassertion)', async () => {
    expect(v1Pet(880385 | 0x80, 0x04).code).toBe(0);
    await eventually(async () => ((await monitorStatus()) === 'normal' ? true : undefined), 5000, 'mrw1 normal');
    expect(
      await counter('lifeline_traps_received_total', {
        server: 'server1',
        class: 'informational',
        sensor_type: 'Drive Slot (Bay)',
      })
    ).toBe(1);
  });

  test('a recoverable PET is a warning, not a recovery', async () => {
    expect(v1Pet(0x0d6f02, 0x08).code).toBe(0); // drive slot: predictive failure
    await eventually(async () => ((await monitorStatus()) === 'warning' ? true : undefined), 5000, 'mrw1 warning');
    expect(await counter('lifeline_recovery_requests_total', { monitor: 'mrw1', server: 'server1' })).toBe(1);
    await clear();
  });

  test('a v2c PET (snmpTrapOID ...3183.1.1.0.N) is decoded like v1', async () => {
    const r = snmp('snmptrap', [
      '-v',
      '2c',
      '-c',
      'public',
      KEYWORD,
      '',
      '1.3.6.1.4.1.3183.1.1.0.262402',
      '1.3.6.1.4.1.3183.1.1.1',
      'x',
      petHex(262402, 0x10),
    ]);
    expect(r.code).toBe(0);
    await eventually(async () => ((await monitorStatus()) === 'error' ? true : undefined), 5000, 'mrw1 in error');
    const e = (await agent.request('GET', '/api/v1/events?type=trap&limit=1', undefined, agent.tokens.viewer)).body
      .events[0];
    expect(e.summary).toBe('Fan: Lower Critical going low');
    expect(e.fields.version).toBe('v2c');
    await clear();
  });

  test('v3 authPriv is accepted; a wrong auth key and a wrong privacy key are rejected and counted', async () => {
    // Processor thermal trip: a different event, so not folded into the v2c one as a burst.
    expect(
      snmp('snmptrap', [
        ...v3(AUTH, PRIV),
        KEYWORD,
        '',
        '1.3.6.1.4.1.3183.1.1.0.487169',
        '1.3.6.1.4.1.3183.1.1.1',
        'x',
        petHex(487169, 0x10),
      ]).code
    ).toBe(0);
    await eventually(async () => ((await monitorStatus()) === 'error' ? true : undefined), 5000, 'v3 trap raised mrw1');
    const e = (await agent.request('GET', '/api/v1/events?type=trap&limit=1', undefined, agent.tokens.viewer)).body
      .events[0];
    expect(e.fields).toMatchObject({ version: 'v3', user: 'bmcuser' });
    expect(e.summary).toBe('Processor: Thermal Trip');
    await clear();
    snmp('snmptrap', [...v3('wrong-auth-phrase', PRIV), KEYWORD, '', '1.3.6.1.4.1.3183.1.1.0.262402']);
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'auth-failure' }, 1);
    snmp('snmptrap', [...v3(AUTH, 'wrong-priv-phrase'), KEYWORD, '', '1.3.6.1.4.1.3183.1.1.0.262402']);
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'decrypt-failure' }, 1);
    expect(await monitorStatus()).toBe('normal');
  });

  test('a replayed v3 packet is rejected as a replay', async () => {
    // Capture the datagram snmptrap sends, then deliver it twice from the BMC's address.
    const capture = dgram.createSocket('udp4');
    await new Promise<void>((r) => capture.bind(10263, ip('127.0.0.1'), r));
    const packet = new Promise<Buffer>((r) => capture.once('message', (m) => r(m)));
    snmp('snmptrap', [
      ...v3(AUTH, PRIV),
      `${ip('127.0.0.1')}:10263`,
      '',
      '1.3.6.1.4.1.3183.1.1.0.880385',
      '1.3.6.1.4.1.3183.1.1.1',
      'x',
      petHex(880385, 0x10),
    ]);
    const raw = await packet;
    capture.close();
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, BMC1, r));
    const before = await counter('lifeline_trap_packets_total', { result: 'accepted' });
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((r) => sender.send(raw, TRAP_PORT, ip('127.0.0.1'), () => r()));
    }
    sender.close();
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'replay' }, 2);
    expect(await counter('lifeline_trap_packets_total', { result: 'accepted' })).toBe(before + 1);
    await clear();
  });

  test('a wrong community, a denied source and garbage are rejected and counted, the monitor untouched', async () => {
    v1Pet(880385, 0x10, { community: 'private' });
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'bad-community' }, 1);
    v1Pet(880385, 0x10, { from: ip('127.0.0.99') });
    v1Pet(880385, 0x10, { from: ip('127.0.0.99') });
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'denied-source' }, 2);
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, BMC1, r));
    await new Promise<void>((r) => s.send(Buffer.from('not snmp at all'), TRAP_PORT, ip('127.0.0.1'), () => r()));
    s.close();
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'malformed' }, 1);
    expect(await monitorStatus()).toBe('normal');
    // A denied source is logged once a minute, not once a packet.
    await eventually(() => (agent.logs().includes(ip('127.0.0.99')) ? true : undefined), 3000, 'denial logged');
    expect(
      agent
        .logs()
        .split('\n')
        .filter((l) => l.includes(`"source":"${ip('127.0.0.99')}"`)).length
    ).toBe(1);
  });

  test('a non-PET trap is kept as a generic trap with its varbinds', async () => {
    snmp('snmptrap', [
      '-v',
      '2c',
      '-c',
      'public',
      KEYWORD,
      '',
      '1.3.6.1.6.3.1.1.5.3',
      '1.3.6.1.2.1.2.2.1.1.3',
      'i',
      '3',
      '1.3.6.1.2.1.2.2.1.2.3',
      's',
      'eth2',
    ]);
    const e = await eventually(async () => {
      const events = (await agent.request('GET', '/api/v1/events?type=trap&limit=1', undefined, agent.tokens.viewer))
        .body.events;
      return events[0]?.fields.trapOid === '1.3.6.1.6.3.1.1.5.3' ? events[0] : undefined;
    });
    expect(e.class).toBe('informational');
    expect(e.fields.varbinds).toEqual([
      { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 2, value: 3 },
      { oid: '1.3.6.1.2.1.2.2.1.2.3', type: 4, value: 'eth2' },
    ]);
    expect(
      await counter('lifeline_traps_received_total', { server: 'server1', class: 'informational', sensor_type: 'none' })
    ).toBe(1);
  });

  test('informs are acknowledged (v2c and v3)', async () => {
    expect(snmp('snmpinform', ['-v', '2c', '-c', 'public', KEYWORD, '', '1.3.6.1.4.1.3183.1.1.0.262530']).code).toBe(0);
    const r = snmp('snmpinform', [...v3(AUTH, PRIV, null), KEYWORD, '', '1.3.6.1.4.1.3183.1.1.0.262530']);
    expect(r).toMatchObject({ code: 0, out: '' });
  });

  test('a resent PET (same GUID and sequence) is one event with a repeat count and does not re-raise', async () => {
    v1Pet(0x070100 | 0x6f00 | 0x00, 0x10, { seq: 4242 }); // processor IERR
    await eventually(async () => ((await monitorStatus()) === 'error' ? true : undefined));
    await clear();
    v1Pet(0x076f00, 0x10, { seq: 4242 });
    v1Pet(0x076f00, 0x10, { seq: 4242 });
    const e = await eventually(async () => {
      const events = (await agent.request('GET', '/api/v1/events?type=trap&limit=20', undefined, agent.tokens.viewer))
        .body.events;
      const ierr = events.find(
        (x: { fields: { pet?: { data?: { sequence?: number } } } }) => x.fields.pet?.data?.sequence === 4242
      );
      return ierr?.repeats === 3 ? ierr : undefined;
    });
    expect(e.summary).toBe('Processor: IERR');
    expect(await monitorStatus()).toBe('normal');
  });

  test('lifeline notify, monitor clear and trap send work against the agent', async () => {
    const env = { LIFELINE_URL: agent.url, LIFELINE_TOKEN: agent.tokens.operator };
    const n = lifeline(['notify', '--category', 'BMCNOTICE', '--keyword', KEYWORD, '--message', 'test'], { env });
    expect(n).toMatchObject({ code: 0, stdout: 'monitors in error: mrw1\n' });
    expect(await monitorStatus()).toBe('error');
    expect(lifeline(['monitor', 'clear', 'mrw1'], { env })).toMatchObject({ code: 0 });
    expect(await monitorStatus()).toBe('normal');
    expect(lifeline(['monitor', 'clear', 'nope'], { env }).code).toBe(1);
    expect(
      lifeline(['notify', '--category', 'BMCNOTICE'], { env: { ...env, LIFELINE_TOKEN: agent.tokens.viewer } }).code
    ).toBe(4);
    // trap send from the CLI arrives from 127.0.0.1, which is not a BMC: allowed only as extra source.
    const sent = lifeline(['trap', 'send', '--to', KEYWORD, '--specific', '880385']);
    expect(sent.code).toBe(0);
    await waitFor('lifeline_trap_packets_rejected_total', { reason: 'denied-source' }, 3);
  });

  test('snmptrap and snmpinform are the Debian tools (not stubs)', () => {
    expect(
      execFileSync('snmptrap', ['--version'], { encoding: 'utf8' }).concat(
        spawnSync('snmptrap', ['-V'], { encoding: 'utf8' }).stderr
      )
    ).toMatch(/NET-SNMP/i);
  });
});
