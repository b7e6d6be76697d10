import { Command } from 'commander';
import { manifestSummary } from '../domain/backup/dump-format.js';
import { writeSnapshot } from '../store/backup/write-snapshot.js';
import { envOption } from './options.js';

/** `mnemo backup OUT`: a consistent snapshot of a store in use (see domain/backup/dump-format.ts for the layout). */
export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'Write a consistent snapshot of the database (every table, read in one transaction) and the artifacts to a ' +
        'new directory, while the server runs',
    )
    .argument('<out>', 'the directory to write; must not exist or be empty')
    .addOption(envOption('--backend-store-uri <uri>', 'the database to back up', './mnemo-data/mnemo.db'))
    .addOption(envOption('--artifacts-destination <uri>', 'the artifact store to back up', './mnemo-data/artifacts'))
    .option('--artifacts-manifest-only', 'list the artifacts (path, size, sha256) instead of copying them')
    .option('--json', 'print a summary of the manifest on standard output')
    .action(
      async (
        out: string,
        options: {
          backendStoreUri: string;
          artifactsDestination: string;
          artifactsManifestOnly?: boolean;
          json?: boolean;
        },
      ) => {
        const manifest = await writeSnapshot({
          out,
          backendStoreUri: options.backendStoreUri,
          artifactsDestination: options.artifactsDestination,
          manifestOnly: options.artifactsManifestOnly === true,
          progress: (line) => process.stderr.write(`… ${line}\n`),
        });
        const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
        process.stderr.write(
          `snapshot written to ${out}: ${manifest.tables.length} tables, ${rows} rows, schema ` +
            `${manifest.schemaVersion}, audit head ${manifest.auditHead.seq}\n`,
        );
        if (options.json) process.stdout.write(`${JSON.stringify(manifestSummary(manifest), null, 2)}\n`);
      },
    );
}
