import { Command, Option } from 'commander';
import { PolicyClient, type PolicyTarget } from '../sdk/policies.js';
import { EXIT } from './failure.js';
import { clientToken, trackingUriOption } from './options.js';
import { printJson } from './output.js';
import { gateReport } from './policy-report.js';

/**
 * `mnemo gate`: may this version go to this stage or alias now? Evaluates the same policies and approval state the
 * server applies to a transition, and changes nothing. Exit 0 pass, 1 fail (every reason printed), 2 error.
 */
export function gateCommand(): Command {
  return new Command('gate')
    .description('Check a model version against the policies and approvals of a stage or alias (changes nothing)')
    .requiredOption('--model <name>', 'registered model')
    .requiredOption('--version <n>', 'model version')
    .addOption(new Option('--stage <stage>', 'target stage (e.g. Production)').conflicts('alias'))
    .addOption(new Option('--alias <alias>', 'target alias (e.g. champion)').conflicts('stage'))
    .option('--json', 'print the full answer as JSON')
    .addOption(trackingUriOption())
    .action(
      async (options: {
        model: string;
        version: string;
        stage?: string;
        alias?: string;
        json?: boolean;
        trackingUri: string;
      }) => {
        if (options.stage === undefined && options.alias === undefined) {
          throw new Error('name the target with --stage <stage> or --alias <alias>');
        }
        if (!/^[1-9][0-9]*$/.test(options.version)) {
          throw new Error(`--version must be a positive integer; got '${options.version}'`);
        }
        const target: PolicyTarget = options.stage !== undefined ? { stage: options.stage } : { alias: options.alias! };
        const client = new PolicyClient({
          url: options.trackingUri,
          token: clientToken(),
          retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
        });
        const result = await client.gate(options.model, Number(options.version), target);
        if (options.json) printJson(result);
        else console.log(gateReport(result));
        process.exitCode = result.passed ? EXIT.ok : EXIT.checkFailed;
      },
    );
}
