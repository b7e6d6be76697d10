import { Command } from 'commander';
import { NODE_KINDS } from '../domain/lineage/node-id.js';
import { type LineageClient as Client, type EdgeType, LineageClient, type ReachedNode } from '../sdk/lineage.js';
import { clientToken, trackingUriOption } from './options.js';
import { formatTime, printTable } from './output.js';

type Options = { trackingUri: string; depth?: string; edgeTypes?: string; json?: boolean };

/** `mnemo lineage …`: graph questions asked of a running server over HTTP. */
export function lineageCommand(): Command {
  const lineage = new Command('lineage').description('Ask the lineage graph what feeds what and what a change affects');

  addWalk(lineage, 'upstream', 'everything a node was made from', (client, id, o) => client.upstream(id, o));
  addWalk(lineage, 'downstream', 'everything made from a node', (client, id, o) => client.downstream(id, o));

  common(
    lineage
      .command('impact <nodeId>')
      .description('runs, models, versions and deployments affected by a change to a node, with the path to each'),
  ).action(async (nodeId: string, options: Options) => {
    const report = await client(options).impact(nodeId, walkOptions(options));
    if (options.json) return print(report);
    console.log(`Impact of a change to ${report.root.label} (${report.root.id})`);
    const groups: [string, ReachedNode[]][] = [
      ['runs', report.runs],
      ['model versions', report.modelVersions],
      ['dataset versions', report.datasetVersions],
      ['feature versions', report.featureVersions],
      ['deployments', report.deployments],
      ['deployment targets', report.deploymentTargets],
    ];
    for (const [title, nodes] of groups) {
      console.log(`\n${title} (${nodes.length})`);
      for (const node of nodes) console.log(`  ${node.label}  ${node.id}\n    via ${describePath(node)}`);
    }
    if (report.models.length > 0) {
      console.log(
        `\nmodels: ${report.models.map((m) => `${m.name ?? m.modelId} (${m.versions.length} versions)`).join(', ')}`,
      );
    }
    footer(report.depth, report.truncated);
  });

  common(lineage.command('path <from> <to>').description('the shortest chain of edges between two nodes')).action(
    async (from: string, to: string, options: Options) => {
      const path = await client(options).path(from, to, depthOf(options));
      if (options.json) return print(path);
      if (!path.found) {
        console.log(`No path between ${from} and ${to} within depth ${path.depth.applied}.`);
        return;
      }
      console.log(`${path.length} edges from ${path.from} to ${path.to}:`);
      for (const step of path.edges) console.log(`  ${step.from} -${step.type}-> ${step.to}`);
    },
  );

  common(
    lineage
      .command('models-trained-on <datasetVersionId>')
      .description('model versions whose training used a dataset version, directly or through features'),
  ).action(async (datasetVersionId: string, options: Options) => {
    const result = await client(options).modelsTrainedOn(datasetVersionId, depthOf(options));
    if (options.json) return print(result);
    console.log(`Model versions trained on ${result.datasetVersion.label}: ${result.modelVersions.length}`);
    for (const model of result.modelVersions)
      console.log(`  ${model.label}  ${model.id}\n    via ${describePath(model)}`);
    footer(result.depth, result.truncated);
  });

  listing(
    lineage
      .command('nodes')
      .description('list and search nodes: newest first, by kind and/or text in their id or label (ignoring case)'),
  )
    .option('--kind <kind>', `one of ${NODE_KINDS.join(', ')}`)
    .option('--query <text>', 'text the id or label contains, e.g. orders or churn')
    .option('--max-results <n>', 'at most this many (1 to 1000)', '100')
    .action(async (options: ListOptions & { kind?: string; query?: string; maxResults: string }) => {
      const result = await client(options).searchNodes({
        ...(options.kind ? { kind: options.kind } : {}),
        ...(options.query ? { query: options.query } : {}),
        maxResults: positiveInteger(options.maxResults, '--max-results'),
      });
      if (options.json) return print(result);
      printTable(
        ['KIND', 'CREATED', 'ID', 'LABEL'],
        result.nodes.map((n) => [n.kind, formatTime(n.createdTime), n.id, n.label]),
      );
      if (result.truncated) console.log(`\n(more match: pass a larger --max-results or a narrower --query)`);
    });

  listing(
    lineage
      .command('dataset-versions <dataset>')
      .description(
        "a dataset's versions, oldest first; the dataset as <namespace>:<name> (e.g. s3://lake:raw/orders), " +
          'or --namespace and --name apart',
      ),
  )
    .option('--namespace <namespace>', 'the dataset namespace, when the name is given alone')
    .action(async (dataset: string, options: ListOptions & { namespace?: string }) => {
      const named = options.namespace ? { namespace: options.namespace, name: dataset } : dataset;
      const versions = await client(options).datasetVersions(named);
      if (options.json) return print(versions);
      printTable(
        ['VERSION', 'CREATED', 'ROWS', 'DIGEST', 'DRIFT', 'NODE'],
        versions.map((v) => [
          v.version,
          formatTime(v.createdTime),
          v.rowCount === null ? '-' : String(v.rowCount),
          v.digest ?? '-',
          v.drift?.status ?? '-',
          v.nodeId,
        ]),
      );
    });

  return lineage;
}

type ListOptions = { trackingUri: string; json?: boolean };

/** List commands: where the server is, and JSON for machines. */
function listing(command: Command): Command {
  return command.addOption(trackingUriOption()).option('--json', 'print the server answer as JSON');
}

function positiveInteger(text: string, option: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new Error(`${option} must be a positive integer; got '${text}'`);
  return Number(text);
}

function addWalk(
  parent: Command,
  name: 'upstream' | 'downstream',
  what: string,
  walk: (client: Client, nodeId: string, options: ReturnType<typeof walkOptions>) => ReturnType<Client['upstream']>,
): void {
  common(
    parent
      .command(`${name} <nodeId>`)
      .description(
        `${what} (a node id such as run:<id> or dataset_version:<id>, or a name: model_version:<model name>/<n>, ` +
          'feature_version:<name>@<version>, deployment_target:<name>, dataset:<namespace>:<name>, ' +
          'job:<namespace>:<name>; `mnemo lineage nodes --query` finds ids)',
      ),
  )
    .option('--edge-types <types>', 'comma-separated: consumed,produced,derived_from,depends_on,deployed_to')
    .action(async (nodeId: string, options: Options) => {
      const result = await walk(client(options), nodeId, walkOptions(options));
      if (options.json) return print(result);
      console.log(`${name} of ${result.roots[0]?.label ?? nodeId}: ${result.nodes.length} nodes`);
      for (const node of result.nodes)
        console.log(`  ${String(node.depth).padStart(2)}  ${node.kind.padEnd(18)} ${node.label}  ${node.id}`);
      footer(result.depth, result.truncated);
    });
}

function common(command: Command): Command {
  return command
    .addOption(trackingUriOption())
    .option('--depth <n>', 'how many edges to follow (at most 50)')
    .option('--json', 'print the server answer as JSON');
}

const client = (options: Options) => new LineageClient(options.trackingUri, fetch, clientToken());

function depthOf(options: Options): number | undefined {
  if (options.depth === undefined) return undefined;
  const depth = Number(options.depth);
  if (!Number.isInteger(depth) || depth < 1)
    throw new Error(`--depth must be a positive integer; got '${options.depth}'`);
  return depth;
}

function walkOptions(options: Options): { depth?: number; edgeTypes?: EdgeType[] } {
  const depth = depthOf(options);
  const edgeTypes = options.edgeTypes?.split(',').map((t) => t.trim()) as EdgeType[] | undefined;
  return { ...(depth ? { depth } : {}), ...(edgeTypes ? { edgeTypes } : {}) };
}

const describePath = (node: ReachedNode) => node.path.map((s) => s.type).join(' → ');

function footer(depth: { applied: number; cap: number; capped: boolean }, truncated: boolean): void {
  if (depth.capped) console.log(`\n(depth limited to the cap of ${depth.cap})`);
  if (truncated) console.log(`\n(more lies beyond depth ${depth.applied}: pass a larger --depth to see it)`);
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
