import { formatApplyAnswer, type ApplyAnswer } from './apply-format';
import type { Command } from 'commander';
import { loadConfigFile } from '../../config/file';
import { configHash, shortHash } from '../../config/hash';
import { canonicalJson, canonicalYaml, configJsonSchema, formatPath, formatProblem } from '../../config/model';
import { configReferenceMarkdown } from '../../config/reference';
import { EXIT } from '../exit-codes';
import { clientFrom, withConnection, type ClientOptions } from '../client';
import { table } from './status-format';

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

  withConnection(
    config
      .command('apply')
      .description('validate a file and apply it to every reachable agent (all store the new revision, or none does)')
      .argument('<file>', 'configuration file')
      .option('--base <revision>', 'the revision your edit is based on (default: the agent’s current one)')
  ).action(async (file: string, opts: ClientOptions & { base?: string }) => {
    const result = loadConfigFile(file);
    if (!result.ok) {
      result.problems.forEach((p) => process.stderr.write(`${formatProblem(p)}\n`));
      process.exitCode = EXIT.INVALID;
      return;
    }
    const client = clientFrom(opts);
    const base = opts.base ?? String((await client.request<{ revision: number }>('GET', '/config')).revision);
    const r = await client.request<ApplyAnswer>('PUT', '/config', result.config, {
      'If-Match': `"${base}"`,
    });
    process.stdout.write(formatApplyAnswer(r));
  });

  withConnection(
    config.command('history').description('revisions kept by the agent, newest first').option('--json', 'print JSON')
  ).action(async (opts: ClientOptions & { json?: boolean }) => {
    const r = await clientFrom(opts).request<{
      revisions: Array<{ revision: number; hash: string; appliedAt: string; source: string }>;
    }>('GET', '/config/history');
    if (opts.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    const rows = [
      ['REVISION', 'HASH', 'APPLIED', 'SOURCE'],
      ...r.revisions.map((h) => [String(h.revision), shortHash(h.hash), h.appliedAt, h.source]),
    ];
    process.stdout.write(table(rows).join('\n') + '\n');
  });

  withConnection(
    config
      .command('rollback')
      .description('apply an older revision again, as a new revision')
      .argument('<revision>', 'revision to return to')
  ).action(async (revision: string, opts: ClientOptions) => {
    const r = await clientFrom(opts).request<ApplyAnswer>('POST', '/config/rollback', { revision: Number(revision) });
    process.stdout.write(formatApplyAnswer(r, `rolled back to the content of revision ${revision}: now`));
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
