import type { Command } from 'commander';
import type { ClusterStatus } from '../../agent/status';
import { clientFrom, withConnection, type ClientOptions } from '../client';
import { EXIT } from '../exit-codes';
import { formatStatus, statusProblems } from './status-format';

export function registerStatusCommand(program: Command) {
  withConnection(
    program
      .command('status')
      .description(
        `cluster status as one agent sees it: servers x interconnects, BMCs, groups, monitors ` +
          `(exit ${EXIT.OK} all well, ${EXIT.DEGRADED} something needs attention, ${EXIT.UNAVAILABLE} agent unavailable, ${EXIT.DENIED} access denied)`
      )
      .option('--json', 'print the API answer (GET /api/v1/status) as JSON')
  ).action(async (opts: ClientOptions & { json?: boolean }) => {
    const status = await clientFrom(opts).request<ClusterStatus>('GET', '/status');
    process.stdout.write(opts.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status));
    const problems = statusProblems(status);
    if (!opts.json && problems.length > 0) {
      process.stdout.write(`\nNeeds attention:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    }
    process.exitCode = problems.length > 0 ? EXIT.DEGRADED : EXIT.OK;
  });
}
