import { Command } from 'commander';
import { parseBackendUri } from '../domain/config/backend-uri.js';
import { openStore } from '../store/open-store.js';
import { envOption } from './options.js';

/** `mnemo db upgrade`: brings a database's schema up to date without starting a server (as `mlflow db upgrade`). */
export function dbCommand(): Command {
  const db = new Command('db').description('Manage the backend database');
  db.command('upgrade')
    .description('Create or upgrade the schema of the backend store in place')
    .addOption(
      envOption(
        '--backend-store-uri <uri>',
        'SQLite file path, sqlite:///path or postgresql://…',
        './mnemo-data/mnemo.db',
      ),
    )
    .action(async (options: { backendStoreUri: string }) => {
      parseBackendUri(options.backendStoreUri);
      const store = await openStore(options.backendStoreUri);
      await store.close();
      process.stdout.write('the database schema is up to date\n');
    });
  return db;
}
