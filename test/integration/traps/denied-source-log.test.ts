/**
 * Traps from sources that are not allowed are logged at most once a minute per source, even
 * when more sources than the throttle table holds send (a spoofed-source flood): the table
 * evicts the least recently logged source instead of forgetting every one at once, and
 * sources beyond it share one line. Real UDP datagrams from 12,000 loopback addresses.
 */
import dgram from 'node:dgram';
import { eventually, metricValue, startAgent, type RunningAgent } from '../../support/agent';
import { loopbackCluster } from '../../support/cluster';
import { clientAddress, pool } from '../../support/http';

const TRAP_PORT = 10272;
const SOURCES = 12_000;

const config = {
  ...loopbackCluster({ name: 'denied', servers: 1, apiPort: 29751, lanPorts: [29752] }),
  monitors: [{ name: 'mrw1', type: 'message-receive', category: 'BMCNOTICE', keyword: `127.0.0.1:${TRAP_PORT}` }],
};

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startAgent(config, 'server1');
});
afterAll(async () => {
  await agent?.stop();
});

function sendFrom(address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.bind(0, address, () => s.send(Buffer.from('0\x00'), TRAP_PORT, '127.0.0.1', () => s.close(() => resolve())));
  });
}

async function denied(): Promise<number> {
  const m = (await agent.request('GET', '/metrics', undefined, agent.tokens.viewer)).body as string;
  return metricValue(m, 'lifeline_trap_packets_rejected_total', { reason: 'denied-source' }) ?? 0;
}

test('12,000 denied sources, twice each: no source is logged twice within the minute', async () => {
  for (let round = 0; round < 2; round++) {
    await pool(SOURCES, 32, (i) => sendFrom(clientAddress(i)));
  }
  await eventually(async () => ((await denied()) >= 2 * SOURCES * 0.99 ? true : undefined), 20_000, 'packets counted');
  const lines = agent
    .logs()
    .split('\n')
    .filter((l) => l.includes('"source"') && l.includes('trap'))
    .map((l) => JSON.parse(l) as { source: string; msg: string });
  const perSource = new Map<string, number>();
  for (const l of lines.filter((x) => x.msg.startsWith('trap from a source that is not allowed'))) {
    perSource.set(l.source, (perSource.get(l.source) ?? 0) + 1);
  }
  const twice = [...perSource].filter(([, n]) => n > 1);
  expect({ logged: perSource.size, twice: twice.length }).toEqual({ logged: 10_000, twice: 0 });
  expect(lines.filter((x) => x.msg.startsWith('traps from more denied sources than are tracked'))).toHaveLength(1);
}, 90_000);
