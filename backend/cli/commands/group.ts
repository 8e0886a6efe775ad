import type { Command } from 'commander';
import { CliError, clientFrom, withConnection, type ClientOptions } from '../client';
import { EXIT } from '../exit-codes';
import type { Outcome } from '../../groups/operations';
import type { GroupView } from '../../groups/view';
import { table } from './status-format';

type WaitOptions = ClientOptions & { server?: string; wait: string };

/** `lifeline group list|start|stop|move`: group state and operations, through any agent. */
export function registerGroupCommands(program: Command) {
  const group = program.command('group').description('list, start, stop and move failover groups');

  withConnection(
    group.command('list').description('groups with their state and current server').option('--json', 'print JSON')
  ).action(async (opts: ClientOptions & { json?: boolean }) => {
    const r = await clientFrom(opts).request<{ groups: GroupView[] }>('GET', '/groups');
    if (opts.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    const rows = [['GROUP', 'STATE', 'CURRENT', 'STARTUP SERVERS', 'OPERATION']];
    for (const g of r.groups) {
      rows.push([g.name, g.state, g.currentServer ?? '-', g.startupServers.join(','), g.operation ?? '']);
    }
    process.stdout.write(table(rows).join('\n') + '\n');
  });

  const operation = (name: 'start' | 'stop' | 'move', description: string, withServer: boolean) => {
    let cmd = group.command(name).description(description).argument('<group>', 'group name');
    if (withServer) {
      cmd = cmd.option('--server <name>', 'the server to run it on (default: the first startup server that is up)');
    }
    withConnection(
      cmd
        .option('--wait <seconds>', 'how long to wait for the operation to finish', '60')
        .option('--json', 'print JSON')
    ).action(async (groupName: string, opts: WaitOptions & { json?: boolean }) => {
      const wait = Number(opts.wait);
      if (!Number.isFinite(wait) || wait < 0 || wait > 3600) {
        throw new CliError('--wait must be a number of seconds from 0 to 3600', EXIT.USAGE);
      }
      const r = await clientFrom(opts).request<Outcome & { done: boolean }>(
        'POST',
        `/groups/${encodeURIComponent(groupName)}/${name}?wait=${wait}`,
        withServer && opts.server ? { server: opts.server } : {},
        {},
        wait * 1000 + 10_000
      );
      if (opts.json) {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      }
      if (!r.done) {
        throw new CliError(
          `${name} of ${groupName} is still in progress after ${wait} s; follow it with "lifeline group list"`,
          EXIT.UNAVAILABLE
        );
      }
      if (!opts.json) {
        for (const s of r.steps) {
          process.stdout.write(`  ${s.action} on ${s.server}: ${s.ok ? 'ok' : 'FAILED'} (${s.detail})\n`);
        }
        process.stdout.write(`${groupName}: ${r.ok ? `${name} done` : `${name} failed`}; ${r.detail}\n`);
      }
      if (!r.ok) {
        process.exitCode = EXIT.FAILED;
      }
    });
  };
  operation('start', 'start a group (on --server, or the first startup server that is up)', true);
  operation('stop', 'stop a group where it runs', false);
  operation('move', 'move a group to another server (--server, or the next startup server that is up)', true);
}
