import type { Command } from 'commander';
import { clientFrom, CliError, withConnection, type ClientOptions } from '../client';
import { EXIT } from '../exit-codes';

interface Status {
  self: string;
  heartbeat: { incarnation: string | null };
  servers: Array<{ name: string; state: string }>;
  config: { revision: number; restartRequired: boolean; restartChanges?: Array<{ summary: string }> };
}
interface ConfigAnswer {
  config: { servers: Array<{ name: string; api: { address: string; port: number } }>; api: { tls?: unknown } };
}

/**
 * `lifeline cluster restart`: a rolling restart, one agent at a time, the lowest-priority
 * server first and the master last. Each agent moves its groups away, starts again in its
 * process and must be back (new incarnation, its peers online as it sees them, nothing
 * waiting for a restart) before the next one goes, so the cluster never loses more than one
 * server at a time. What a restart applies: the restart-only parts of a revision
 * (`config.restartChanges` in the status).
 */
export function registerClusterCommands(program: Command) {
  const cluster = program.command('cluster').description('operations on the whole cluster');
  withConnection(
    cluster
      .command('restart')
      .description(
        'restart the agents one at a time (lowest priority first) so that changes waiting for a restart take effect (admin token)'
      )
      .option('--all', 'restart every agent, not only those with changes waiting for a restart')
      .option('--timeout-ms <ms>', 'how long one agent may take to be back', '120000')
  ).action(async (opts: ClientOptions & { all?: boolean; timeoutMs: string }) => {
    const entry = clientFrom(opts);
    const { config } = await entry.request<ConfigAnswer>('GET', '/config');
    const scheme = config.api.tls ? 'https' : 'http';
    const servers = [...config.servers].reverse();
    const timeoutMs = Number(opts.timeoutMs);
    if (!(timeoutMs > 0)) {
      throw new CliError('--timeout-ms must be a positive number', EXIT.USAGE);
    }
    let restarted = 0;
    for (const s of servers) {
      const host = s.api.address.includes(':') ? `[${s.api.address}]` : s.api.address;
      const agent = clientFrom({ ...opts, url: `${scheme}://${host}:${s.api.port}` });
      const before = await agent.request<Status>('GET', '/status');
      if (!opts.all && !before.config.restartRequired) {
        process.stdout.write(`${s.name}: nothing waits for a restart\n`);
        continue;
      }
      const waiting = (before.config.restartChanges ?? []).map((c) => c.summary).join('; ');
      process.stdout.write(`${s.name}: restarting${waiting ? ` (${waiting})` : ''}\n`);
      await agent.request('POST', '/agent/restart', {});
      const back = await untilBack(agent, before, timeoutMs);
      process.stdout.write(`${s.name}: back (revision ${back.config.revision}, all its peers online)\n`);
      restarted++;
    }
    process.stdout.write(`${restarted} agent(s) restarted\n`);
  });
}

/** Polls the restarted agent until it runs a new incarnation and sees every peer online. */
async function untilBack(agent: ReturnType<typeof clientFrom>, before: Status, timeoutMs: number): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not answering';
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    let now: Status;
    try {
      now = await agent.request<Status>('GET', '/status', undefined, {}, 2000);
    } catch (e) {
      last = (e as Error).message;
      continue;
    }
    const offline = now.servers.filter((x) => x.name !== now.self && x.state !== 'online').map((x) => x.name);
    if (now.heartbeat.incarnation === before.heartbeat.incarnation) {
      last = 'not restarted yet';
    } else if (offline.length > 0) {
      last = `${offline.join(', ')} not online as it sees them`;
    } else if (now.config.restartRequired) {
      last = `still waiting for a restart: ${(now.config.restartChanges ?? []).map((c) => c.summary).join('; ')}`;
    } else {
      return now;
    }
  }
  throw new CliError(`${before.self} was not back within ${timeoutMs} ms (${last}); stopping here`, EXIT.UNAVAILABLE);
}
