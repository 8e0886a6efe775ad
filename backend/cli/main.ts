#!/usr/bin/env node
/**
 * `lifeline`: the agent and the operator's command line. Exit codes are in exit-codes.ts.
 */
import { Command, CommanderError } from 'commander';
import { registerAgentCommand } from './commands/agent';
import { registerClusterCommands } from './commands/cluster';
import { registerConfigCommands } from './commands/config';
import { registerGroupCommands } from './commands/group';
import { registerOperationCommands } from './commands/operations';
import { registerServerCommands } from './commands/server';
import { registerStatusCommand } from './commands/status';
import { registerTokenCommands } from './commands/token';
import { registerTrapCommands } from './commands/trap';
import { CliError } from './client';
import { EXIT } from './exit-codes';
import { endQuietlyOnClosedPipe } from './output';
import { VERSION } from '../version';

export function buildProgram(): Command {
  const program = new Command()
    .name('lifeline')
    .description('Lifeline: HA cluster agent with BMC linkage (IPMI heartbeats, SNMP trap driven failover)')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerAgentCommand(program);
  registerConfigCommands(program);
  registerStatusCommand(program);
  registerGroupCommands(program);
  registerOperationCommands(program);
  registerServerCommands(program);
  registerClusterCommands(program);
  registerTrapCommands(program);
  registerTokenCommands(program);
  program.addHelpText(
    'after',
    `\nExit codes: ${EXIT.OK} ok, ${EXIT.INVALID} invalid input, ${EXIT.USAGE} usage error, ` +
      `${EXIT.UNAVAILABLE} agent unavailable, ${EXIT.DENIED} access denied, ${EXIT.CONFLICT} conflict, ` +
      `${EXIT.DEGRADED} (status) something needs attention, ${EXIT.FAILED} a group operation was carried out and failed.`
  );
  // Commander exits with 1 on usage errors; 2 is the convention (and 1 means "invalid input" here).
  program.commands.forEach(function override(c: Command) {
    c.exitOverride();
    c.commands.forEach(override);
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      const quiet = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code);
      return quiet ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof CliError) {
      process.stderr.write(`lifeline: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`lifeline: ${(e as Error).message}\n`);
    return EXIT.INVALID;
  }
}

if (require.main === module) {
  endQuietlyOnClosedPipe();
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lifeline: ${(e as Error).message}\n`);
      process.exitCode = EXIT.INVALID;
    }
  );
}
