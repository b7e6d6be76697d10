import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import { DependencyClient } from '../sdk/dependencies.js';
import { clientToken, trackingUriOption } from './options.js';
import { printJson } from './output.js';

/** `mnemo targets env set T --file …`: a deployment target's environment from a pip freeze, pip list JSON or lockfile. */
export function targetsCommand(): Command {
  const targets = new Command('targets').description('Deployment targets');
  const env = targets.command('env').description("A target's environment");
  env
    .command('set')
    .description(
      'Set the environment from requirements.txt / pip freeze, pip list JSON, poetry.lock, uv.lock, package-lock.json or environment.yml',
    )
    .argument('<target>', 'deployment target')
    .requiredOption('--file <path>', 'the report')
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(async (target: string, o: { file: string; json?: boolean; trackingUri: string }) => {
      const content = await readFile(o.file, 'utf8');
      const client = new DependencyClient({ url: o.trackingUri, token: clientToken() });
      const answer = await client.setTargetEnvironment(target, { file: basename(o.file), content });
      if (o.json) return printJson(answer);
      const count = Object.keys(answer.environment.environment?.packages ?? {}).length;
      const what = answer.changed
        ? `is now version ${answer.environment.version}`
        : `is unchanged (version ${answer.environment.version})`;
      console.log(`${target}'s environment ${what}: ${count} packages, ${answer.environment.environmentId}`);
    });
  return targets;
}
