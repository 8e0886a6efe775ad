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
        // SIGTERM, SIGINT or a recovery final action (stop-cluster-service) stop the agent for
        // good; POST /agent/restart stops it and starts it again in this process (a restart
        // applies what waits for one, as a new service start would).
        let outcome: 'stop' | 'restart' = 'restart';
        let stopping: ((why: string, then: 'stop' | 'restart') => void) | null = null;
        let signalled = false;
        const onSignal = (sig: string) => {
          signalled = true;
          stopping?.(sig, 'stop');
        };
        process.once('SIGTERM', () => onSignal('SIGTERM'));
        process.once('SIGINT', () => onSignal('SIGINT'));
        while (outcome === 'restart' && !signalled) {
          let agent: Agent;
          try {
            agent = await Agent.start({
              configFile: opts.config,
              server: opts.server,
              stateDir: opts.stateDir,
              watchdogDevice: opts.watchdogDevice,
              tokenFiles: opts.tokens,
              log,
              onExitRequest: (reason) => stopping?.(reason, 'stop'),
              onRestartRequest: (reason) => stopping?.(reason, 'restart'),
            });
          } catch (e) {
            log.fatal({ error: (e as Error).message }, 'agent could not start');
            process.stderr.write(`lifeline agent: ${(e as Error).message}\n`);
            process.exitCode = e instanceof ConfigError ? EXIT.INVALID : EXIT.UNAVAILABLE;
            return;
          }
          outcome = await new Promise<'stop' | 'restart'>((resolve) => {
            let once = false;
            stopping = (why, then) => {
              if (!once) {
                once = true;
                log.info({ why }, then === 'restart' ? 'agent restarting' : 'agent stopping');
                const done = () => resolve(signalled ? 'stop' : then);
                agent.stop().then(done, done);
              }
            };
            if (signalled) {
              stopping('signal before start completed', 'stop');
            }
          });
          stopping = null;
        }
      }
    );
}
