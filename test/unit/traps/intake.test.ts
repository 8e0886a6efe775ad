import { Registry } from 'prom-client';
import { validateConfig } from '../../../backend/config/model';
import { EventLog } from '../../../backend/events/event-log';
import { MonitorBoard } from '../../../backend/monitors/monitor-board';
import { TrapIntake } from '../../../backend/traps/intake';
import { TrapMetrics } from '../../../backend/traps/metrics';
import { buildPetData } from '../../../backend/traps/pet/build';
import type { ReceivedTrap } from '../../../backend/traps/receiver/snmp-receiver';
import { monotonicNow } from '../../../backend/time/clock';

const result = validateConfig({
  cluster: { name: 'c', secret: { env: 'S' } },
  servers: [
    {
      name: 'server1',
      api: { address: '127.0.0.1' },
      bmc: { address: '127.0.1.1', user: 'a', password: { env: 'P' } },
    },
    {
      name: 'server2',
      api: { address: '127.0.0.2' },
      bmc: { address: '127.0.1.2', user: 'a', password: { env: 'P' } },
    },
  ],
  interconnects: [{ type: 'lan', addresses: { server1: '127.0.0.1', server2: '127.0.0.2' } }],
  groups: [{ name: 'failover1' }],
  monitors: [
    {
      name: 'mrw1',
      type: 'message-receive',
      category: 'BMCNOTICE',
      perServer: { server1: { keyword: '127.0.0.1:1162' }, server2: { keyword: '127.0.0.2:1162' } },
      recovery: { targetType: 'group', target: 'failover1' },
      pet: { informationalEvents: [{ sensorType: 0x04 }] },
    },
    { name: 'app', type: 'message-receive', category: 'APPNOTICE', keyword: 'db-down' },
  ],
});
if (!result.ok) {
  throw new Error(JSON.stringify(result.problems));
}
const config = result.config;

function setup() {
  const events = new EventLog(':memory:', { maxEvents: 1000, maxAgeMs: 1e9, burstWindowMs: 10_000 });
  const board = new MonitorBoard([
    { name: 'mrw1', servers: ['server1', 'server2'] },
    { name: 'app', servers: ['server1', 'server2'] },
  ]);
  const requests: string[] = [];
  board.on('recovery-request', (r) => requests.push(`${r.monitor}/${r.server}`));
  const registry = new Registry();
  const intake = new TrapIntake(config, 'server1', { events, board, metrics: new TrapMetrics(registry) });
  return { events, board, intake, requests, registry };
}

function trap(
  specific: number,
  severity: number,
  options: { seq?: number; from?: string; bmcOf?: string } = {}
): ReceivedTrap {
  const data = buildPetData({ specific, severity, sequence: options.seq ?? 1 });
  return {
    version: 'v1',
    inform: false,
    trapOid: `1.3.6.1.4.1.3183.1.1.0.${specific}`,
    varbinds: [],
    pet: { specific, data },
    receivedAt: Date.now(),
    receivedMono: monotonicNow(),
    source: { address: options.from ?? '127.0.1.1', port: 50000 },
    local: { address: '127.0.0.1', port: 1162 },
    bmcOf: options.bmcOf ?? 'server1',
    raw: Buffer.from('30', 'hex'),
  };
}

describe('TrapIntake', () => {
  test('listens where the BMCNOTICE keywords of this server say', () => {
    expect(setup().intake.endpoints()).toEqual([{ address: '127.0.0.1', port: 1162 }]);
  });

  test('fatal -> error + one recovery request; repeats do not ask again', () => {
    const { intake, board, requests, events } = setup();
    intake.handle(trap(880385, 0x10, { seq: 1 }));
    intake.handle(trap(880385, 0x10, { seq: 2 }));
    expect(board.get('mrw1', 'server1')?.status).toBe('error');
    expect(requests).toEqual(['mrw1/server1']);
    expect(events.query({ type: 'trap' })).toMatchObject([
      { repeats: 2, class: 'fatal', summary: 'Drive Slot (Bay): Drive Fault' },
    ]);
    events.close();
  });

  test('a trap from a peer BMC concerns that peer', () => {
    const { intake, board, events } = setup();
    intake.handle(trap(880385, 0x10, { from: '127.0.1.2', bmcOf: 'server2' }));
    expect(board.get('mrw1', 'server2')?.status).toBe('error');
    expect(board.get('mrw1', 'server1')?.status).toBe('normal');
    events.close();
  });

  test('per-monitor rules: a silenced sensor type is informational', () => {
    const { intake, board, events } = setup();
    intake.handle(trap(262402, 0x10)); // fan lower critical: fatal by default, silenced for mrw1
    expect(board.get('mrw1', 'server1')?.status).toBe('normal');
    expect(events.query({ type: 'trap' })[0].class).toBe('informational');
    events.close();
  });

  test('a resend after a clear does not raise again; a new occurrence does', () => {
    const { intake, board, events } = setup();
    intake.handle(trap(0x076f00, 0x10, { seq: 7 }));
    board.clear('mrw1', undefined, 'operator');
    intake.handle(trap(0x076f00, 0x10, { seq: 7 }));
    expect(board.get('mrw1', 'server1')?.status).toBe('normal');
    intake.handle(trap(0x076f00, 0x10, { seq: 8 }));
    expect(board.get('mrw1', 'server1')?.status).toBe('error');
    events.close();
  });

  test('notify matches category and keyword on the named server', () => {
    const { intake, board, events } = setup();
    expect(intake.notify({ category: 'APPNOTICE', keyword: 'other', source: 't' })).toEqual([]);
    expect(intake.notify({ category: 'APPNOTICE', keyword: 'db-down', server: 'server2', source: 't' })).toEqual([
      'app',
    ]);
    expect(board.get('app', 'server2')?.status).toBe('error');
    expect(board.get('app', 'server1')?.status).toBe('normal');
    events.close();
  });
});
