import { Command } from 'commander';
import type { EnvironmentSpec } from '../domain/lineage/environment.js';
import { type Difference, type Recipe, reproductionDifferences } from '../domain/tracking/reproduction.js';
import { MnemoApiError } from '../sdk/errors.js';
import { HttpClient } from '../sdk/http-client.js';
import { Mnemo } from '../sdk/index.js';
import { apiPath } from '../sdk/url-path.js';
import { EXIT } from './failure.js';
import { clientToken, trackingUriOption } from './options.js';
import { printJson, printTable } from './output.js';
import { currentState } from './reproduce/current-state.js';

interface ReproduceOptions {
  trackingUri: string;
  json?: boolean;
}

/**
 * `mnemo reproduce RUN_ID`: what re-running a run needs (command, commit, seed, params, environment) and every way
 * the checkout and environment here differ from it. Exit 0 when nothing differs, 1 when something does. Reads only.
 */
export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description(
      'Print what re-running a run needs (command, commit, seed, params, environment) and check this checkout and ' +
        'Python environment against it, listing every difference (exit 1 when there is one)',
    )
    .addOption(trackingUriOption())
    .option('--json', 'print the recipe and the differences as JSON')
    .argument('<runId>', 'the run to reproduce')
    .action(async (runId: string, options: ReproduceOptions) => {
      const recipe = await fetchRecipe(options.trackingUri, runId);
      const differences = reproductionDifferences(recipe, await currentState(process.cwd()));
      if (options.json) printJson({ recipe, differences });
      else printReport(recipe, differences);
      process.exitCode = differences.length === 0 ? EXIT.ok : EXIT.checkFailed;
    });
}

async function fetchRecipe(trackingUri: string, runId: string): Promise<Recipe> {
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
  return {
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
  };
}

function printReport(recipe: Recipe, differences: Difference[]): void {
  const line = (label: string, value: string | null) => console.log(`${`${label}:`.padEnd(10)}${value ?? '-'}`);
  console.log(`To reproduce run ${recipe.runId}:`);
  line('command', recipe.command);
  line('commit', recipe.commit === null ? null : `${recipe.commit}${recipe.branch ? ` (${recipe.branch})` : ''}`);
  if (recipe.dirty)
    line('changes', `uncommitted, ${recipe.diffDigest ?? 'digest not recorded'} (artifact code/diff.patch)`);
  line('seed', recipe.seed);
  line('runtime', recipe.runtime);
  line('packages', recipe.packages === null ? null : `${Object.keys(recipe.packages).length} recorded`);
  const params = Object.entries(recipe.params).sort(([a], [b]) => a.localeCompare(b));
  if (params.length > 0) {
    console.log('\nParams');
    printTable(['PARAM', 'VALUE'], params);
  }
  if (differences.length === 0) {
    console.log('\nThis checkout and environment match what the run recorded.');
    return;
  }
  console.log(`\n${differences.length} difference(s) from what the run recorded`);
  printTable(
    ['ASPECT', 'RECORDED', 'HERE', 'WHAT'],
    differences.map((d) => [d.aspect, d.recorded ?? '-', d.current ?? '-', d.what]),
  );
}
