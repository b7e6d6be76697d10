import { Command } from 'commander';
import { VERSION } from '../api/version.js';
import { attestCommand } from './attest-command.js';
import { auditCommand } from './audit-command.js';
import { lineageCommand } from './lineage-command.js';
import { modelsCommand } from './models-command.js';
import { reconcileCommand } from './reconcile-command.js';
import { runCommand } from './run-command.js';
import { schemasCommand } from './schemas-command.js';
import { serverCommand } from './server-command.js';

const program = new Command('mnemo')
  .description('Mnemo: experiment tracking, model registry, lineage and provenance')
  .version(VERSION)
  .addCommand(serverCommand())
  .addCommand(lineageCommand())
  .addCommand(reconcileCommand())
  .addCommand(runCommand())
  .addCommand(auditCommand())
  .addCommand(attestCommand())
  .addCommand(modelsCommand())
  .addCommand(schemasCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`mnemo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
