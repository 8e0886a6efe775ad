import type { Command } from 'commander';
import type { Agent } from '../../agent/agent';
import { EXIT } from '../exit-codes';

export function registerAgentCommand(program: Command) {
  program
    .command('agent')
    .description('run the agent for one server of the cluster (foreground; stop with SIGTERM)')
    .requiredOption('--config <file>', 'cluster configuration file (YAML or JSON)')
    .requiredOption('--server <name>', 'which server of the configuration this agent is')
    .option('--state-dir <dir>', 'where the config store and event log live', '/var/lib/lifeline')
    .option('--tokens <file...>', 'extra API token files (YAML lists of {name, role, sha256})')
    .option('--watchdog-device <path>', 'watchdog device to pet (overrides watchdog.device of the configuration)')
    .action(
      async (opts: {
        config: string;
        server: string;
        stateDir: string;
        tokens?: string[];
        watchdogDevice?: string;
      }) => {
        // Loaded here, not at the top: every other command starts without the agent's modules.
        const { Agent, ConfigError } = await import('../../agent/agent');
        const { createLogger } = await import('../../log');
        const log = createLogger(opts.server);
        let agent: Agent;
        // Set once the agent runs: SIGTERM, SIGINT or a recovery final action (stop-cluster-service) stop it.
        let requestStop: (why: string) => void = () => {};
        try {
          agent = await Agent.start({
            configFile: opts.config,
            server: opts.server,
            stateDir: opts.stateDir,
            watchdogDevice: opts.watchdogDevice,
            tokenFiles: opts.tokens,
            log,
            onExitRequest: (reason) => requestStop(reason),
          });
        } catch (e) {
          log.fatal({ error: (e as Error).message }, 'agent could not start');
          process.stderr.write(`lifeline agent: ${(e as Error).message}\n`);
          process.exitCode = e instanceof ConfigError ? EXIT.INVALID : EXIT.UNAVAILABLE;
          return;
        }
        await new Promise<void>((resolve) => {
          let stopping = false;
          requestStop = (why: string) => {
            if (!stopping) {
              stopping = true;
              log.info({ why }, 'agent stopping');
              agent.stop().then(resolve, resolve);
            }
          };
          process.once('SIGTERM', () => requestStop('SIGTERM'));
          process.once('SIGINT', () => requestStop('SIGINT'));
        });
      }
    );
}
