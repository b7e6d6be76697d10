import { Command } from 'commander';
import { recordedData } from '../domain/capture/recorded-data.js';
import type { EnvironmentSpec } from '../domain/lineage/environment.js';
import {
  type CurrentState,
  type Difference,
  type Recipe,
  reproductionDifferences,
} from '../domain/tracking/reproduction.js';
import { MnemoApiError } from '../sdk/errors.js';
import { HttpClient } from '../sdk/http-client.js';
import { Mnemo } from '../sdk/index.js';
import { retryFromEnvironment } from '../sdk/retry-policy.js';
import { apiPath } from '../sdk/url-path.js';
import { EXIT } from './failure.js';
import { clientToken, trackingUriOption } from './options.js';
import { printJson, printTable } from './output.js';
import { currentState } from './reproduce/current-state.js';
import { linkDerivedRun, REPRODUCED_FROM_TAG } from './reproduce/derived-link.js';
import { trackedRun } from './run-command.js';

interface ReproduceOptions {
  trackingUri: string;
  json?: boolean;
  exec?: boolean;
}

/**
 * `mnemo reproduce RUN_ID`: what re-running a run needs (command, commit, seed, params, environment) and every way
 * the checkout and environment here differ from it. Exit 0 when nothing differs, 1 when something does. Reads only.
 */
export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description(
      'Print what re-running a run needs (command, commit, seed, params, environment, data) and check this checkout, ' +
        'Python environment and the inputs it read (hashed again) against it, listing every difference (exit 1 when ' +
        'there is one)',
    )
    .addOption(trackingUriOption())
    .option('--json', 'print the recipe and the differences as JSON')
    .option(
      '--exec',
      'then run the recorded command here as a new run (as `mnemo run` would, with the recorded seed, the inputs ' +
        'found here as --input and the outputs as --output) linked to the original by a derived_from lineage edge; ' +
        'checks out nothing itself, and exits with the command’s code',
    )
    .argument('<runId>', 'the run to reproduce')
    .action(async (runId: string, options: ReproduceOptions) => {
      const { recipe, experimentId } = await fetchRecipe(options.trackingUri, runId);
      const current = await currentState(process.cwd(), recipe.inputs);
      const differences = reproductionDifferences(recipe, current);
      if (options.json && !options.exec) printJson({ recipe, differences });
      else printReport(recipe, differences, options.exec ? console.error : console.log);
      if (!options.exec) {
        process.exitCode = differences.length === 0 ? EXIT.ok : EXIT.checkFailed;
        return;
      }
      process.exitCode = await execute(recipe, current, experimentId, options.trackingUri);
    });
}

/**
 * Runs the recorded command again as a new run of the same experiment, derived from the original. The inputs found
 * here (changed or not) are passed as `--input`, so the new run records the digests it really read; one missing or
 * unreadable is left out rather than stop the command `mnemo run` would refuse to start (the report above names
 * it). The outputs are passed as `--output`: the new run records what the command writes there.
 */
async function execute(recipe: Recipe, current: CurrentState, experimentId: string, trackingUri: string) {
  if (recipe.command === null) {
    throw new Error(`run ${recipe.runId} recorded no command (tag mnemo.command): there is nothing to run again`);
  }
  const token = clientToken();
  const mnemo = new Mnemo({ url: trackingUri, token });
  const experiment = await mnemo.getExperiment(experimentId);
  // The command was recorded as a POSIX shell would need it typed; a shell runs it exactly as it was.
  const { exitCode, recorder } = await trackedRun(['sh', '-c', recipe.command], {
    trackingUri,
    experiment: experiment.name,
    // The recorded seed goes in as `mnemo run --seed` would take it: MNEMO_SEED, PYTHONHASHSEED and the seed tags.
    ...(recipe.seed !== null ? { seed: recipe.seed } : {}),
    tags: {
      // The command run is the recorded one, whatever shell runs it.
      'mnemo.command': recipe.command,
      [REPRODUCED_FROM_TAG]: recipe.runId,
    },
    envVar: [],
    input: recipe.inputs.filter((i) => current.inputs[i.uri]?.state === 'found').map((i) => i.uri),
    output: recipe.outputs.map((o) => o.uri),
    systemMetricsInterval: '10',
    logUploadInterval: '10',
  });
  if (recorder.mode !== 'online') {
    console.error(
      `mnemo: run ${recorder.runId} names run ${recipe.runId} in its tag ${REPRODUCED_FROM_TAG}; \`mnemo sync\` ` +
        'links them with a derived_from lineage edge when it uploads the run.',
    );
    return exitCode;
  }
  const http = new HttpClient({ url: trackingUri, token, retry: retryFromEnvironment(), fetch });
  try {
    await linkDerivedRun(http, recorder.runId, recipe.runId);
    console.error(`mnemo: run ${recorder.runId} is derived_from run ${recipe.runId}`);
  } catch (error) {
    // The new run exists and says what it reproduces (its tag); the command's own result still decides the exit.
    console.error(
      `mnemo: could not link run ${recorder.runId} to run ${recipe.runId} in lineage: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return exitCode;
}

async function fetchRecipe(trackingUri: string, runId: string): Promise<{ recipe: Recipe; experimentId: string }> {
  const token = clientToken();
  const retry = { attempts: 1 };
  const run = await new Mnemo({ url: trackingUri, token, retry }).getRun(runId);
  const tags = run.tags;
  const environmentId = tags['mnemo.environment.id'];
  let environment: EnvironmentSpec | null = null;
  if (environmentId !== undefined) {
    const http = new HttpClient({
      url: trackingUri,
      token,
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      fetch,
    });
    try {
      const reply = await http.request<{ environment: EnvironmentSpec }>(
        'GET',
        apiPath`/lineage/environments/${environmentId}`,
      );
      environment = reply.environment;
    } catch (error) {
      // A tag naming an environment the server does not have: there is nothing to check packages against.
      if (!(error instanceof MnemoApiError && error.status === 404)) throw error;
    }
  }
  const dirty = tags['mnemo.source.git.dirty'];
  const data = recordedData(tags);
  const recipe: Recipe = {
    runId,
    command: tags['mnemo.command'] ?? null,
    commit: tags['mlflow.source.git.commit'] ?? null,
    branch: tags['mlflow.source.git.branch'] ?? null,
    dirty: dirty === undefined ? null : dirty === 'true',
    diffDigest: tags['mnemo.source.git.diffDigest'] ?? null,
    seed: tags['mnemo.seed'] ?? run.params.seed ?? null,
    params: run.params,
    runtime: environment?.runtime ?? null,
    packages: environment ? environment.packages : null,
    inputs: data.filter((d) => d.role === 'input'),
    outputs: data.filter((d) => d.role === 'output'),
  };
  return { recipe, experimentId: run.experimentId };
}

/** The recipe and the differences, on stdout, or on stderr when the command's own output follows on stdout. */
function printReport(recipe: Recipe, differences: Difference[], print: (text: string) => void): void {
  const line = (label: string, value: string | null) => print(`${`${label}:`.padEnd(10)}${value ?? '-'}`);
  print(`To reproduce run ${recipe.runId}:`);
  line('command', recipe.command);
  line('commit', recipe.commit === null ? null : `${recipe.commit}${recipe.branch ? ` (${recipe.branch})` : ''}`);
  if (recipe.dirty)
    line('changes', `uncommitted, ${recipe.diffDigest ?? 'digest not recorded'} (artifact code/diff.patch)`);
  line('seed', recipe.seed);
  line('runtime', recipe.runtime);
  line('packages', recipe.packages === null ? null : `${Object.keys(recipe.packages).length} recorded`);
  for (const input of recipe.inputs) line('input', `${input.uri} (${input.digest})`);
  for (const output of recipe.outputs) line('output', `${output.uri} (${output.digest})`);
  const params = Object.entries(recipe.params).sort(([a], [b]) => a.localeCompare(b));
  if (params.length > 0) {
    print('\nParams');
    printTable(['PARAM', 'VALUE'], params, print);
  }
  if (differences.length === 0) {
    print('\nThis checkout and environment match what the run recorded.');
    return;
  }
  print(`\n${differences.length} difference(s) from what the run recorded`);
  printTable(
    ['ASPECT', 'RECORDED', 'HERE', 'WHAT'],
    differences.map((d) => [d.aspect, d.recorded ?? '-', d.current ?? '-', d.what]),
    print,
  );
}
