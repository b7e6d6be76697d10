import type { Command } from 'commander';
import { Command as Program } from 'commander';
import { VERSION } from '../api/version.js';
import { describeFailure, throwOnUsageErrors } from './failure.js';

/**
 * Each command is loaded only when it is the one asked for: `mnemo run` or `mnemo lineage` then start without
 * loading the server, database drivers and services they never use. Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  server: async () => (await import('./server-command.js')).serverCommand(),
  run: async () => (await import('./run-command.js')).runCommand(),
  diff: async () => (await import('./diff-command.js')).diffCommand(),
  sync: async () => (await import('./sync-command.js')).syncCommand(),
  reproduce: async () => (await import('./reproduce-command.js')).reproduceCommand(),
  models: async () => (await import('./models-command.js')).modelsCommand(),
  schemas: async () => (await import('./schemas-command.js')).schemasCommand(),
  experiments: async () => (await import('./experiments-command.js')).experimentsCommand(),
  lineage: async () => (await import('./lineage-command.js')).lineageCommand(),
  reconcile: async () => (await import('./reconcile-command.js')).reconcileCommand(),
  audit: async () => (await import('./audit-command.js')).auditCommand(),
  attest: async () => (await import('./attest-command.js')).attestCommand(),
  db: async () => (await import('./db-command.js')).dbCommand(),
  backup: async () => (await import('./backup-command.js')).backupCommand(),
  restore: async () => (await import('./restore-command.js')).restoreCommand(),
  gc: async () => (await import('./gc-command.js')).gcCommand(),
  users: async () => (await import('./users-command.js')).usersCommand(),
  teams: async () => (await import('./teams-command.js')).teamsCommand(),
  tokens: async () => (await import('./tokens-command.js')).tokensCommand(),
  permissions: async () => (await import('./permissions-command.js')).permissionsCommand(),
  keys: async () => (await import('./keys-command.js')).keysCommand(),
  policies: async () => (await import('./policies-command.js')).policiesCommand(),
  gate: async () => (await import('./gate-command.js')).gateCommand(),
  deps: async () => (await import('./deps-command.js')).depsCommand(),
  targets: async () => (await import('./targets-command.js')).targetsCommand(),
  webhooks: async () => (await import('./webhooks-command.js')).webhooksCommand(),
  requests: async () => (await import('./requests-command.js')).requestsCommand(),
  search: async () => (await import('./search-command.js')).searchCommand(),
  'suggest-params': async () => (await import('./suggest-params-command.js')).suggestParamsCommand(),
};

async function main(argv: string[]): Promise<void> {
  const program = new Program('mnemo')
    .description('Mnemo: experiment tracking, model registry, lineage and provenance')
    .version(VERSION)
    // The program's own options (--version) only before a command: `mnemo gate --version 3` names a model version.
    .enablePositionalOptions();
  const requested = argv[2];
  const load = requested !== undefined ? COMMANDS[requested] : undefined;
  for (const command of await Promise.all(load ? [load()] : Object.values(COMMANDS).map((l) => l()))) {
    program.addCommand(command);
  }
  await throwOnUsageErrors(program).parseAsync(argv);
}

// Exit code 1 is kept for checks that ran and failed; anything that kept a command from running is 2, or 3 when
// the server refused the caller (see EXIT).
main(process.argv).catch((error: unknown) => {
  const { code, message } = describeFailure(error);
  if (message !== null) console.error(message);
  process.exit(code);
});
