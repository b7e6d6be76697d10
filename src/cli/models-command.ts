import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { RegistryClient, type Stage } from '../sdk/registry.js';
import { clientToken, trackingUriOption } from './options.js';
import { formatTime, printJson, printTable } from './output.js';
import { revalidationCommand } from './revalidation-command.js';

/** `mnemo models …`: the model registry from the command line, over HTTP. */
export function modelsCommand(): Command {
  const models = withTrackingUri(new Command('models').description('Registered models and their versions'));

  models
    .command('list')
    .description('List registered models')
    .option('--filter <filter>', 'e.g. "name LIKE \'fraud%\'" or "tags.team = \'risk\'"')
    .option('--max-results <n>', 'page size', '100')
    .option('--json', 'print JSON')
    .action(async (options: { filter?: string; maxResults: string; json?: boolean }, command: Command) => {
      const result = await registryClient(command).searchModels({
        filter: options.filter,
        maxResults: Number(options.maxResults),
      });
      if (options.json) return printJson(result);
      printTable(
        ['NAME', 'OWNER', 'ALIASES', 'UPDATED'],
        result.registeredModels.map((m) => [
          m.name,
          m.ownerTeam ?? '-',
          Object.entries(m.aliases)
            .map(([alias, version]) => `${alias}=v${version}`)
            .join(',') || '-',
          formatTime(m.lastUpdatedTime),
        ]),
      );
    });

  models
    .command('get <name>')
    .description('Show a registered model with its model card')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const model = await registryClient(command).getModel(name);
      if (options.json) return printJson(model);
      const pairs = (record: Record<string, unknown>, prefix = '') =>
        Object.entries(record)
          .map(([key, value]) => `${prefix}${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
          .join(', ') || '-';
      printTable(
        ['FIELD', 'VALUE'],
        [
          ['name', model.name],
          ['description', model.description ?? '-'],
          ['owner team', model.ownerTeam ?? '-'],
          ['purpose', model.purpose ?? '-'],
          ['algorithm family', model.algorithmFamily ?? '-'],
          ['task type', model.taskType ?? '-'],
          ['intended use', model.intendedUse ?? '-'],
          ['limitations', model.limitations ?? '-'],
          ['latency budget', model.latencyBudgetMs === null ? '-' : `${model.latencyBudgetMs} ms`],
          ['regulatory flags', model.regulatoryFlags.join(', ') || '-'],
          ['tags', pairs(model.tags)],
          ['aliases', pairs(Object.fromEntries(Object.entries(model.aliases).map(([a, v]) => [a, `v${v}`])))],
          ['metadata', pairs(model.metadata)],
          ['created', formatTime(model.creationTime)],
          ['updated', formatTime(model.lastUpdatedTime)],
        ],
      );
    });

  models
    .command('create <name>')
    .description('Register a new model')
    .option('--description <text>')
    .option('--owner-team <team>')
    .option('--purpose <text>')
    .option('--task-type <type>')
    .option('--intended-use <text>')
    .option('--limitations <text>')
    .option('--tag <key=value>', 'a tag (repeatable)', collectPairs)
    .action(
      async (
        name: string,
        options: {
          description?: string;
          ownerTeam?: string;
          purpose?: string;
          taskType?: string;
          intendedUse?: string;
          limitations?: string;
          tag?: Record<string, string>;
        },
        command: Command,
      ) => {
        const { tag, ...card } = options;
        const model = await registryClient(command).createModel(name, { ...card, tags: tag });
        console.log(`Registered model '${model.name}'`);
      },
    );

  models
    .command('register <name> <source>')
    .description('Register a new version of a model from run artifacts (runs:/<run id>/<path> or mlflow-artifacts:/…)')
    .option('--run-id <id>', 'the run that produced it (taken from a runs:/ source when omitted)')
    .option('--description <text>')
    .option('--release-notes <text>')
    .option('--tag <key=value>', 'a tag (repeatable)', collectPairs)
    .option('--signature <file>', 'JSON file: {"inputs": …, "outputs": …}')
    .option('--metadata <file>', 'JSON file: metadata checked against the model schema')
    .option('--schema-version <n>', 'the metadata schema version the metadata follows')
    .option('--json', 'print the registered version as JSON')
    .action(
      async (
        name: string,
        source: string,
        options: {
          runId?: string;
          description?: string;
          releaseNotes?: string;
          tag?: Record<string, string>;
          signature?: string;
          metadata?: string;
          schemaVersion?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const version = await registryClient(command).createVersion(name, {
          source,
          runId: options.runId,
          description: options.description,
          releaseNotes: options.releaseNotes,
          tags: options.tag,
          signature: options.signature ? await readJsonFile(options.signature, '--signature') : undefined,
          metadata: options.metadata ? await readJsonFile(options.metadata, '--metadata') : undefined,
          metadataSchemaVersion: options.schemaVersion === undefined ? undefined : Number(options.schemaVersion),
        });
        if (options.json) return printJson(version);
        console.log(
          `Registered ${version.name} version ${version.version} (${version.fileCount} files, manifest ${version.manifestDigest})`,
        );
      },
    );

  models
    .command('versions <name>')
    .description('List the versions of a model')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const versions = await registryClient(command).listVersions(name);
      if (options.json) return printJson(versions);
      printTable(
        ['VERSION', 'STAGE', 'ALIASES', 'FILES', 'MANIFEST', 'SOURCE'],
        versions.map((v) => [
          String(v.version),
          v.stage,
          v.aliases.join(',') || '-',
          String(v.fileCount),
          v.manifestDigest.slice(0, 12),
          v.source,
        ]),
      );
    });

  models
    .command('transition <name> <version> <stage>')
    .description('Move a version to None, Staging, Production or Archived')
    .option('--archive-existing', 'archive the versions currently in that stage')
    .option('--reason <text>', 'why, kept in the version history')
    .action(
      async (
        name: string,
        version: string,
        stage: string,
        options: { archiveExisting?: boolean; reason?: string },
        command: Command,
      ) => {
        const moved = await registryClient(command).transition(name, versionNumber(version), stage as Stage, {
          archiveExistingVersions: options.archiveExisting,
          reason: options.reason,
        });
        console.log(`${moved.name} version ${moved.version} is now in ${moved.stage}`);
      },
    );

  models
    .command('alias <name> <alias> [version]')
    .description('Point an alias at a version, show where it points, or delete it with --delete')
    .option('--delete', 'remove the alias')
    .action(
      async (
        name: string,
        alias: string,
        version: string | undefined,
        options: { delete?: boolean },
        command: Command,
      ) => {
        const client = registryClient(command);
        if (options.delete) {
          await client.deleteAlias(name, alias);
          console.log(`Deleted alias '${alias}' of ${name}`);
        } else if (version === undefined) {
          const target = await client.getByAlias(name, alias);
          console.log(`${name}@${alias} -> version ${target.version} (${target.stage}, ${target.source})`);
        } else {
          const target = await client.setAlias(name, alias, versionNumber(version));
          console.log(`${name}@${alias} -> version ${target.version}`);
        }
      },
    );

  models
    .command('protect <name>')
    .description(
      "Set which stages and aliases of a model need approval (replaces the model's rule; managers and admins only)",
    )
    .option('--stage <stage>', 'a protected stage; repeat for several', collect, [])
    .option('--alias <alias>', 'a protected alias; repeat for several', collect, [])
    .option('--approvals <n>', 'distinct approvers a request needs', '1')
    .option('--team <team>', 'a team approvers come from; each named team must approve (repeatable)', collect, [])
    .option('--clear', "drop the model's own rule: the server's default applies again")
    .option('--show', 'only show the rule that applies')
    .action(
      async (
        name: string,
        options: {
          stage: string[];
          alias: string[];
          approvals: string;
          team: string[];
          clear?: boolean;
          show?: boolean;
        },
        command: Command,
      ) => {
        const approvals = registryClient(command).approvals;
        const rule = options.show
          ? await approvals.protection(name)
          : options.clear
            ? await approvals.unprotect(name)
            : await approvals.protect(name, {
                stages: options.stage,
                aliases: options.alias,
                approvals: Number(options.approvals),
                teams: options.team,
              });
        console.log(
          `${rule.name} (${rule.source === 'model' ? 'own rule' : "server's default"}): ` +
            `stages ${rule.stages.join(', ') || '-'}; aliases ${rule.aliases.join(', ') || '-'}; ` +
            `${rule.approvals} approval(s)${rule.teams.length > 0 ? ` from ${rule.teams.join(', ')}` : ' from managers of the model'}`,
        );
      },
    );

  models.addCommand(revalidationCommand());

  return models;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function versionNumber(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new Error(`version must be a positive integer; got '${text}'`);
  return Number(text);
}

/** Commands that talk to a running server find it as every client command does. */
export function withTrackingUri(command: Command): Command {
  return command.addOption(trackingUriOption());
}

export function registryClient(command: Command): RegistryClient {
  const uri = String(command.optsWithGlobals().trackingUri);
  return new RegistryClient({
    url: uri,
    token: clientToken(),
    retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
  });
}

/** `key=value` options collected into an object. */
export function collectPairs(pair: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`expected key=value, got '${pair}'`);
  return { ...previous, [pair.slice(0, eq)]: pair.slice(eq + 1) };
}

/** A JSON file given on the command line, with an error that names the option when it is missing or malformed. */
async function readJsonFile<T>(path: string, option: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${option}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${option}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
