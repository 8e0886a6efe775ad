import type { Command } from 'commander';
import { clientFrom, withConnection, type ClientOptions } from '../client';
import type { StoredEvent } from '../../events/event-log';
import type { MonitorState } from '../../monitors/monitor-board';
import { chronological, EVENTS_HEADER, formatEvent, type PrintedEvent } from './events-format';
import { table } from './status-format';

export function registerOperationCommands(program: Command) {
  withConnection(
    program
      .command('notify')
      .description('send an external notification to the agent: matching message-receive monitors go into error')
      .requiredOption('--category <category>', 'monitor category (e.g. BMCNOTICE or your own)')
      .option('--keyword <keyword>', 'monitor keyword')
      .option('--message <text>', 'free text kept in the event log')
      .option('--server <name>', 'the server concerned (default: the agent’s own)')
  ).action(async (opts: ClientOptions & { category: string; keyword?: string; message?: string; server?: string }) => {
    const r = await clientFrom(opts).request<{ monitors: string[] }>('POST', '/notify', {
      category: opts.category,
      keyword: opts.keyword,
      message: opts.message,
      server: opts.server,
    });
    process.stdout.write(
      r.monitors.length ? `monitors in error: ${r.monitors.join(', ')}\n` : 'no monitor matched (logged as an event)\n'
    );
  });

  const monitor = program.command('monitor').description('list and clear monitors');
  withConnection(
    monitor
      .command('list')
      .description('monitor status per server')
      .option('--server <name>', 'only this server')
      .option('--status <status>', 'only this status: normal, warning, error or suspended')
      .option('--json', 'print JSON')
  ).action(async (opts: ClientOptions & { server?: string; status?: string; json?: boolean }) => {
    const q = new URLSearchParams();
    if (opts.server) {
      q.set('server', opts.server);
    }
    if (opts.status) {
      q.set('status', opts.status);
    }
    const r = await clientFrom(opts).request<{ monitors: MonitorState[] }>('GET', `/monitors?${q.toString()}`);
    if (opts.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    const rows = [
      ['MONITOR', 'SERVER', 'STATUS', 'REASON'],
      ...r.monitors.map((m) => [m.monitor, m.server, m.status, m.reason]),
    ];
    process.stdout.write(table(rows).join('\n') + '\n');
  });
  withConnection(
    monitor
      .command('clear')
      .description('clear a monitor error (all servers, or one)')
      .argument('<name>', 'monitor name')
      .option('--server <name>', 'only on this server')
  ).action(async (name: string, opts: ClientOptions & { server?: string }) => {
    const r = await clientFrom(opts).request<{ cleared: number; unreachable?: string[] }>(
      'POST',
      `/monitors/${encodeURIComponent(name)}/clear`,
      { server: opts.server }
    );
    process.stdout.write(`${name}: cleared on ${r.cleared} server(s)${notReached(r.unreachable)}\n`);
  });

  for (const action of ['suspend', 'resume'] as const) {
    withConnection(
      monitor.command(action).description(`${action} a monitor on every server`).argument('<name>', 'monitor name')
    ).action(async (name: string, opts: ClientOptions) => {
      const r = await clientFrom(opts).request<{ unreachable?: string[] }>(
        'POST',
        `/monitors/${encodeURIComponent(name)}/${action}`,
        {}
      );
      process.stdout.write(`${name}: ${action === 'suspend' ? 'suspended' : 'resumed'}${notReached(r.unreachable)}\n`);
    });
  }

  withConnection(
    program
      .command('events')
      .description('the last events of the log, oldest first (the newest is the last line; --follow goes on below it)')
      .option('--server <name>', 'only this server')
      .option('--class <class>', 'fatal, recoverable or informational')
      .option('--type <type>', 'trap, notify, monitor, recovery-request, ...')
      .option('--since <minutes>', 'only the last N minutes')
      .option('--limit <n>', 'at most N events', '50')
      .option('--json', 'print JSON')
      .option('--follow', 'then keep printing new events as they arrive')
      .option('--cluster', "every agent's events, not only this agent's")
  ).action(
    async (
      opts: ClientOptions & {
        server?: string;
        class?: string;
        type?: string;
        since?: string;
        limit: string;
        json?: boolean;
        follow?: boolean;
        cluster?: boolean;
      }
    ) => {
      const client = clientFrom(opts);
      const q = new URLSearchParams({ limit: opts.limit });
      if (opts.server) {
        q.set('server', opts.server);
      }
      if (opts.class) {
        q.set('class', opts.class);
      }
      if (opts.type) {
        q.set('type', opts.type);
      }
      if (opts.since) {
        q.set('from', String(Date.now() - Number(opts.since) * 60_000));
      }
      if (opts.cluster) {
        q.set('scope', 'cluster');
      }
      const r = await client.request<{ events: StoredEvent[] }>('GET', `/events?${q.toString()}`);
      const print = (e: PrintedEvent) => process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEvent(e)}\n`);
      if (!opts.json) {
        process.stdout.write(`${EVENTS_HEADER}\n`);
      }
      chronological(r.events).forEach(print);
      if (opts.follow) {
        await follow(client.url, client.authHeaders(), print);
      }
    }
  );
}

/** Prints server-sent events until the stream ends or the user interrupts. */
async function follow(url: string, headers: Record<string, string>, print: (e: StoredEvent) => void) {
  const res = await fetch(`${url}/api/v1/events/stream`, { headers });
  if (!res.ok || !res.body) {
    throw new Error(`event stream: ${res.status}`);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const data = lines.find((l) => l.startsWith('data: '));
      // Only log events (not `reset`, which only a client that sends Last-Event-ID gets).
      const type = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'event';
      if (data && type === 'event') {
        const e = JSON.parse(data.slice(6));
        print({ repeats: 1, lastTime: e.time, ...e });
      }
    }
  }
}

/** The servers whose agents an action could not reach (each carries out its own monitors). */
function notReached(unreachable: string[] | undefined): string {
  return unreachable && unreachable.length > 0 ? `; not reached (agent did not answer): ${unreachable.join(', ')}` : '';
}
