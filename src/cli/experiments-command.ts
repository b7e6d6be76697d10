import type { Command } from 'commander';
import { MnemoApiError } from '../sdk/errors.js';
import type { HttpClient } from '../sdk/http-client.js';
import { apiPath } from '../sdk/url-path.js';
import { accessClient, collect, serverCommandGroup } from './access-client.js';
import { EXIT } from './failure.js';
import { printJson, printTable } from './output.js';

interface Requirements {
  params?: string[];
  metrics?: string[];
  datasetInput?: boolean;
  dataQualityCheck?: boolean;
  negativeResultNote?: boolean;
  negativeWhen?: { metric: string; below?: number; above?: number }[];
}

interface ScopeOptions {
  team?: string;
  serverDefault?: boolean;
}

interface RequireOptions extends ScopeOptions {
  param?: string[];
  metric?: string[];
  datasetInput?: boolean;
  dataQuality?: boolean;
  negativeNote?: boolean;
  negativeWhen?: string[];
}

type RunSummary = {
  runId: string;
  runName: string;
  completeness?: { complete: boolean; missing: { field: string; reason: string }[] } | null;
};

/**
 * `mnemo experiments …`: what finished runs of an experiment must carry (`require`, `requirements`, `unrequire`)
 * and which runs lack it (`incomplete`, exit code 1 when any does, for CI).
 */
export function experimentsCommand(): Command {
  const experiments = serverCommandGroup('experiments', 'Required run metadata for experiments, teams and the server');

  experiments
    .command('require [experiment]')
    .description(
      'Set what finished runs must carry, replacing what was set before, for an experiment (name or id; its ' +
        'managers), a team (--team) or the whole server (--server-default; administrators)',
    )
    .option('--param <key>', 'a param every run must log (repeatable), e.g. seed', collect)
    .option('--metric <key>', 'an evaluation metric every run must log (repeatable)', collect)
    .option('--dataset-input', 'runs must log at least one dataset input')
    .option('--data-quality', 'runs must carry a data-quality result: tag mnemo.data_quality=passed|failed|warning')
    .option('--negative-note', 'a negative result needs a note (tag mlflow.note.content)')
    .option(
      '--negative-when <metric<value|metric>value>',
      'a metric threshold making a result negative (repeatable), beside the tag mnemo.result=negative',
      collect,
    )
    .option('--team <team>', 'set the requirements of a team: every experiment it manages')
    .option('--server-default', 'set the requirements of every experiment on the server')
    .action(async (experiment: string | undefined, options: RequireOptions, command: Command) => {
      const client = accessClient(command);
      const body: Requirements = {
        params: options.param ?? [],
        metrics: options.metric ?? [],
        datasetInput: options.datasetInput === true,
        dataQualityCheck: options.dataQuality === true,
        negativeResultNote: options.negativeNote === true,
        negativeWhen: (options.negativeWhen ?? []).map(parseThreshold),
      };
      const path = await scopePath(client, experiment, options);
      const stored = await client.request<{ scope: string; requirements: Requirements }>('PUT', path, { json: body });
      console.log(`Runs of ${stored.scope} must now carry: ${describe(stored.requirements)}`);
    });

  experiments
    .command('unrequire [experiment]')
    .description('Remove the requirements of an experiment, a team (--team) or the server (--server-default)')
    .option('--team <team>', 'the team whose requirements to remove')
    .option('--server-default', "remove the server's requirements")
    .action(async (experiment: string | undefined, options: ScopeOptions, command: Command) => {
      const client = accessClient(command);
      await client.request('DELETE', await scopePath(client, experiment, options));
      console.log('Requirements removed');
    });

  experiments
    .command('requirements <experiment>')
    .description("Show what an experiment's finished runs must carry (its own, its teams' and the server's)")
    .option('--json', 'print JSON')
    .action(async (experiment: string, options: { json?: boolean }, command: Command) => {
      const client = accessClient(command);
      const id = await experimentId(client, experiment);
      const effective = await client.request<{ requirements: Requirements; sources: { scope: string }[] }>(
        'GET',
        apiPath`/experiments/${id}/run-requirements`,
      );
      if (options.json) return printJson(effective);
      console.log(describe(effective.requirements));
      if (effective.sources.length > 0) console.log(`from: ${effective.sources.map((s) => s.scope).join(', ')}`);
    });

  experiments
    .command('incomplete <experiment>')
    .description('List finished runs lacking required metadata, with what each lacks; exit code 1 when there are any')
    .option('--json', 'print JSON')
    .action(async (experiment: string, options: { json?: boolean }, command: Command) => {
      const client = accessClient(command);
      const id = await experimentId(client, experiment);
      const { runs } = await client.request<{ runs: RunSummary[] }>('POST', '/runs/search', {
        json: { experimentIds: [id], filter: 'attributes.complete = false', maxResults: 1000 },
      });
      if (options.json) printJson(runs.map((r) => ({ runId: r.runId, runName: r.runName, ...r.completeness })));
      else if (runs.length === 0) console.log('Every finished run carries what is required');
      else {
        printTable(
          ['RUN', 'NAME', 'MISSING'],
          runs.map((r) => [r.runId, r.runName, (r.completeness?.missing ?? []).map((m) => m.field).join(', ')]),
        );
      }
      if (runs.length > 0) process.exitCode = EXIT.checkFailed;
    });

  return experiments;
}

async function scopePath(client: HttpClient, experiment: string | undefined, options: ScopeOptions): Promise<string> {
  const chosen = [experiment !== undefined, options.team !== undefined, options.serverDefault === true];
  if (chosen.filter(Boolean).length !== 1) {
    throw new Error('name exactly one of: an experiment, --team <team>, --server-default');
  }
  if (options.serverDefault) return '/run-requirements/server';
  if (options.team !== undefined) return apiPath`/teams/${options.team}/run-requirements`;
  return apiPath`/experiments/${await experimentId(client, experiment!)}/run-requirements`;
}

/** An experiment named by name, or by id when no experiment has that name. */
async function experimentId(client: HttpClient, nameOrId: string): Promise<string> {
  try {
    const { experiment } = await client.request<{ experiment: { experimentId: string } }>(
      'GET',
      apiPath`/experiments/by-name/${nameOrId}`,
    );
    return experiment.experimentId;
  } catch (error) {
    if (!(error instanceof MnemoApiError) || error.status !== 404 || !/^[0-9]+$/.test(nameOrId)) throw error;
    return nameOrId;
  }
}

/** `val_auc<0.7` or `loss>2.5`. */
function parseThreshold(text: string): { metric: string; below?: number; above?: number } {
  const match = /^(.+?)([<>])(-?[0-9.eE+-]+)$/.exec(text.trim());
  const bound = match ? Number(match[3]) : Number.NaN;
  if (!match || !Number.isFinite(bound)) {
    throw new Error(`--negative-when takes metric<value or metric>value, e.g. val_auc<0.7; got '${text}'`);
  }
  return match[2] === '<' ? { metric: match[1]!.trim(), below: bound } : { metric: match[1]!.trim(), above: bound };
}

function describe(r: Requirements): string {
  const parts = [
    ...(r.params ?? []).map((p) => `param ${p}`),
    ...(r.metrics ?? []).map((m) => `metric ${m}`),
    ...(r.datasetInput ? ['a dataset input'] : []),
    ...(r.dataQualityCheck ? ['a data-quality result'] : []),
    ...(r.negativeResultNote
      ? [
          `a note when negative (mnemo.result=negative${(r.negativeWhen ?? [])
            .map((t) => (t.below !== undefined ? `, ${t.metric} < ${t.below}` : `, ${t.metric} > ${t.above}`))
            .join('')})`,
        ]
      : []),
  ];
  return parts.length === 0 ? 'nothing' : parts.join('; ');
}
