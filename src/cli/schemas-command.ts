import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { CompatibilityMode } from '../sdk/registry.js';
import { registryClient, withTrackingUri } from './models-command.js';
import { formatTime, printJson, printTable } from './output.js';

/** `mnemo schemas …`: metadata schemas per subject, with compatibility checks, over HTTP. */
export function schemasCommand(): Command {
  const schemas = withTrackingUri(
    new Command('schemas').description('Metadata schemas for models, versions, datasets and runs'),
  );

  schemas
    .command('list')
    .description('List schema subjects with their compatibility mode and latest version')
    .action(async (_options: unknown, command: Command) => {
      const subjects = await registryClient(command).listSubjects();
      printTable(
        ['SUBJECT', 'COMPATIBILITY', 'LATEST', 'UPDATED'],
        subjects.map((s) => [s.subject, s.compatibility, String(s.latestVersion), formatTime(s.lastUpdatedTime)]),
      );
    });

  schemas
    .command('register <subject> <file>')
    .description('Register a JSON Schema file as the next version of a subject (e.g. model, model_version:fraud)')
    .option('--compatibility <mode>', 'set the subject mode: BACKWARD, FORWARD, FULL (or _TRANSITIVE), NONE')
    .action(async (subject: string, file: string, options: { compatibility?: string }, command: Command) => {
      const schema = await readSchema(file);
      const stored = await registryClient(command).registerSchema(
        subject,
        schema,
        options.compatibility?.toUpperCase() as CompatibilityMode | undefined,
      );
      console.log(`${stored.subject} version ${stored.version} (sha256 ${stored.schemaDigest.slice(0, 12)})`);
    });

  schemas
    .command('get <subject> [version]')
    .description('Print a schema version (the latest when omitted)')
    .action(async (subject: string, version: string | undefined, _options: unknown, command: Command) => {
      const wanted = version === undefined || version === 'latest' ? 'latest' : Number(version);
      if (wanted !== 'latest' && !(Number.isInteger(wanted) && wanted > 0)) {
        throw new Error(`version must be a positive integer or 'latest'; got '${version}'`);
      }
      printJson(await registryClient(command).getSchema(subject, wanted));
    });

  schemas
    .command('check <subject> <file>')
    .description("Check whether a schema file would be accepted under the subject's compatibility mode")
    .action(async (subject: string, file: string, _options: unknown, command: Command) => {
      const report = await registryClient(command).checkSchema(subject, await readSchema(file));
      if (report.compatible) {
        console.log(`compatible with ${report.subject} under ${report.mode}`);
        return;
      }
      console.log(`NOT compatible with ${report.subject} under ${report.mode}:`);
      for (const problem of report.problems) {
        console.log(`  - ${problem.reason} (${problem.direction}, against version ${problem.version})`);
      }
      process.exitCode = 1;
    });

  return schemas;
}

async function readSchema(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
