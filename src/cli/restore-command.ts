import { Command } from 'commander';
import { manifestSummary } from '../domain/backup/dump-format.js';
import { restoreSnapshot } from '../store/backup/restore-snapshot.js';
import { envOption } from './options.js';

/** `mnemo restore OUT`: loads a snapshot written by `mnemo backup` into an empty store. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'Load a snapshot written by `mnemo backup` into an empty store (SQLite or PostgreSQL, whichever it came from)',
    )
    .argument('<snapshot>', 'the directory `mnemo backup` wrote')
    .addOption(envOption('--backend-store-uri <uri>', 'the empty database to restore into', './mnemo-data/mnemo.db'))
    .addOption(
      envOption('--artifacts-destination <uri>', 'the artifact store to copy files into', './mnemo-data/artifacts'),
    )
    .option('--json', 'print a summary of the restored snapshot on standard output')
    .action(
      async (snapshot: string, options: { backendStoreUri: string; artifactsDestination: string; json?: boolean }) => {
        const manifest = await restoreSnapshot({
          snapshot,
          backendStoreUri: options.backendStoreUri,
          artifactsDestination: options.artifactsDestination,
          progress: (line) => process.stderr.write(`… ${line}\n`),
        });
        process.stderr.write(
          `restored the snapshot of ${new Date(manifest.createdTime).toISOString()}: audit head ` +
            `${manifest.auditHead.seq}; check it with \`mnemo audit verify --backend-store-uri …\`\n`,
        );
        if (manifest.signingKeys.length > 0) {
          process.stderr.write(
            `signing keys recorded: ${manifest.signingKeys.map((k) => k.keyId).join(', ')} ` +
              '(their private keys are not in the snapshot: bring back the key file kept with your backups)\n',
          );
        }
        if (options.json) process.stdout.write(`${JSON.stringify(manifestSummary(manifest), null, 2)}\n`);
      },
    );
}
