import type { Command } from 'commander';
import { clientFrom, withConnection, type ClientOptions } from '../client';

/** `lifeline server confirm-down NAME`: an operator affirms a silent server runs nothing. */
export function registerServerCommands(program: Command) {
  const server = program.command('server').description('operator statements about servers');
  withConnection(
    server
      .command('confirm-down')
      .description(
        'affirm that a silent server runs nothing (powered off, seen dead), so its groups may start elsewhere; needed only without fencing and without a watchdog (admin token)'
      )
      .argument('<server>', 'server name')
      .option('--json', 'print JSON')
  ).action(async (name: string, opts: ClientOptions & { json?: boolean }) => {
    const r = await clientFrom(opts).request<{ server: string }>(
      'POST',
      `/servers/${encodeURIComponent(name)}/confirm-down`,
      {}
    );
    process.stdout.write(
      opts.json ? JSON.stringify(r, null, 2) + '\n' : `${r.server} confirmed down: its groups may start elsewhere\n`
    );
  });
}
