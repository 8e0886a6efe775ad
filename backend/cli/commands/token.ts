import type { Command } from 'commander';
import { dump } from 'js-yaml';
import { createToken, isRole } from '../../api/tokens';
import { apiToken } from '../../config/model/api';
import { CliError } from '../client';
import { EXIT } from '../exit-codes';

export function registerTokenCommands(program: Command) {
  program
    .command('token')
    .description('API tokens')
    .command('create')
    .description(
      'create a token: prints the token on stdout (give it to the client) and its hash entry on stderr (add it to api.tokens or a token file)'
    )
    .requiredOption('--name <name>', 'who will hold it')
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .action((opts: { name: string; role: string }) => {
      if (!isRole(opts.role)) {
        throw new CliError(`--role must be viewer, operator or admin, not "${opts.role}"`, EXIT.USAGE);
      }
      // The same rule as api.tokens[].name: an entry the agent would refuse is never printed.
      const name = apiToken.shape.name.safeParse(opts.name);
      if (!name.success) {
        throw new CliError(`--name: ${name.error.issues[0].message}`, EXIT.USAGE);
      }
      const { token, entry } = createToken(opts.name, opts.role);
      process.stdout.write(token + '\n');
      process.stderr.write(dump([entry]));
    });
}
