import type { Command } from 'commander';
import { loadConfigFile } from '../../config/file';
import { configHash, shortHash } from '../../config/hash';
import { canonicalJson, canonicalYaml, configJsonSchema, formatPath, formatProblem } from '../../config/model';
import { configReferenceMarkdown } from '../../config/reference';
import { EXIT } from '../exit-codes';

export function registerConfigCommands(program: Command) {
  const config = program.command('config').description('validate, show and manage the cluster configuration');

  config
    .command('validate')
    .description('check a configuration file (YAML or JSON); lists every problem with its path')
    .argument('<file>', 'configuration file')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const result = loadConfigFile(file);
      if (opts.json) {
        const body = result.ok
          ? { valid: true, hash: configHash(result.config), problems: [] }
          : { valid: false, problems: result.problems.map((p) => ({ path: formatPath(p.path), message: p.message })) };
        process.stdout.write(JSON.stringify(body, null, 2) + '\n');
      } else if (result.ok) {
        const c = result.config;
        process.stdout.write(
          `${file}: valid: cluster "${c.cluster.name}", ${plural(c.servers.length, 'server')}, ${plural(c.interconnects.length, 'interconnect')}, ` +
            `${plural(c.groups.length, 'group')}, ${plural(c.monitors.length, 'monitor')} (hash ${shortHash(configHash(c))})\n`
        );
      } else {
        process.stderr.write(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`);
        for (const p of result.problems) {
          process.stderr.write(`  ${formatProblem(p)}\n`);
        }
      }
      process.exitCode = result.ok ? EXIT.OK : EXIT.INVALID;
    });

  config
    .command('show')
    .description('print the canonical form of a configuration file (defaults filled in)')
    .argument('<file>', 'configuration file')
    .option('--json', 'print JSON instead of YAML')
    .action((file: string, opts: { json?: boolean }) => {
      const result = loadConfigFile(file);
      if (!result.ok) {
        for (const p of result.problems) {
          process.stderr.write(`${formatProblem(p)}\n`);
        }
        process.exitCode = EXIT.INVALID;
        return;
      }
      process.stdout.write(opts.json ? canonicalJson(result.config) : canonicalYaml(result.config));
    });

  config
    .command('schema')
    .description('print the JSON Schema of the configuration (for editors)')
    .action(() => {
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
    });

  config
    .command('reference')
    .description('print the configuration reference as Markdown (the README section is generated from it)')
    .action(() => {
      process.stdout.write(configReferenceMarkdown());
    });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
