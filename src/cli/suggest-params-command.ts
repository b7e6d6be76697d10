import { Command } from 'commander';
import { Mnemo } from '../sdk/mnemo.js';
import { SearchClient } from '../sdk/search.js';
import { clientToken, trackingUriOption } from './options.js';
import { printTable } from './output.js';

type Options = { trackingUri: string; experiment: string; metric?: string; limit: string; json?: boolean };

/** `mnemo suggest-params --experiment NAME [--metric KEY] [--json]`: starters from similar past experiments. */
export function suggestParamsCommand(): Command {
  return new Command('suggest-params')
    .description('Propose params from the best runs of experiments similar to this one (datasets, task type, tags)')
    .addOption(trackingUriOption())
    .requiredOption('--experiment <name>', 'the experiment to find starters for')
    .option('--metric <key>', 'rank runs by this metric (default: the one most similar experiments report)')
    .option('--limit <n>', 'suggestions at most (1 to 50)', '5')
    .option('--json', 'print the server answer as JSON')
    .action(async (options: Options) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
        throw new Error(`--limit must be between 1 and 50; got '${options.limit}'`);
      }
      const token = clientToken();
      const experiment = await new Mnemo({ url: options.trackingUri, token }).getExperimentByName(options.experiment);
      if (!experiment) throw new Error(`No experiment named '${options.experiment}'`);
      const reply = await new SearchClient({ url: options.trackingUri, token }).suggestedParams(
        experiment.experimentId,
        { limit, ...(options.metric ? { metric: options.metric } : {}) },
      );
      if (options.json) {
        console.log(JSON.stringify(reply, null, 2));
        return;
      }
      if (reply.suggestions.length === 0) {
        console.log(
          `No similar experiment has a finished run with params${options.metric ? ` and ${options.metric}` : ''}`,
        );
        return;
      }
      printTable(
        ['run', 'experiment', reply.metricKey ?? 'metric', 'params', 'why'],
        reply.suggestions.map((s) => [
          s.runName,
          s.experimentName,
          String(s.metric.value),
          Object.entries(s.params)
            .map(([key, value]) => `${key}=${value}`)
            .join(' '),
          s.reasons.slice(0, -1).join('; '),
        ]),
      );
    });
}
