import { Command } from 'commander';
import type { RevalidationFlag } from '../sdk/registry.js';
import { registryClient } from './models-command.js';
import { formatTime, printJson, printTable } from './output.js';

/** `mnemo models revalidation list|clear`: versions flagged because something they were trained on changed. */
export function revalidationCommand(): Command {
  const revalidation = new Command('revalidation').description(
    'Model versions flagged for revalidation after an upstream change, and clearing them',
  );

  revalidation
    .command('list')
    .description('List open revalidation flags of the models you may read, newest first')
    .option('--model <name>', 'only this model')
    .option('--all', 'also flags already cleared')
    .option('--max-results <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(
      async (options: { model?: string; all?: boolean; maxResults: string; json?: boolean }, command: Command) => {
        const flags = await registryClient(command).revalidations({
          ...(options.model ? { model: options.model } : {}),
          includeCleared: options.all === true,
          maxResults: Number(options.maxResults),
        });
        if (options.json) return printJson(flags);
        printTable(
          ['MODEL', 'VERSION', 'CAUSE', 'UPSTREAM', 'HOPS', 'RAISED', 'CLEARED'],
          flags.map((f) => [
            f.name,
            String(f.version),
            f.cause.kind,
            f.cause.upstreamLabel,
            String(f.path.length),
            formatTime(f.raisedTime),
            cleared(f),
          ]),
        );
      },
    );

  revalidation
    .command('clear <name> <version>')
    .description("Clear a version's open flags without a new evaluation (managers of the model; the reason is audited)")
    .requiredOption('--reason <text>', 'why the version needs no revalidation')
    .option('--json', 'print JSON')
    .action(async (name: string, version: string, options: { reason: string; json?: boolean }, command: Command) => {
      if (!/^[1-9][0-9]*$/.test(version)) throw new Error(`version must be a positive integer; got '${version}'`);
      const flags = await registryClient(command).clearRevalidation(name, Number(version), options.reason);
      if (options.json) return printJson(flags);
      console.log(`Cleared ${flags.length} revalidation flag(s) of ${name} version ${version}`);
    });

  return revalidation;
}

function cleared(flag: RevalidationFlag): string {
  if (!flag.cleared) return '-';
  return `${formatTime(flag.cleared.time)} by ${flag.cleared.by === 'manual' ? flag.cleared.actor : 'evaluation'}`;
}
