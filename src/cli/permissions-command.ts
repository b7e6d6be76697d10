import type { Static } from '@sinclair/typebox';
import { Argument, type Command, Option } from 'commander';
import type { BindingJson } from '../api/native/access/access-schemas.js';
import type { RoleName } from '../domain/access/access-types.js';
import { withQuery } from '../sdk/url-path.js';
import { accessClient, serverCommandGroup } from './access-client.js';
import { formatTime, printJson, printTable } from './output.js';

type Binding = Static<typeof BindingJson>;

const ROLES: readonly RoleName[] = ['reader', 'editor', 'manager'];

interface SubjectOptions {
  user?: string;
  team?: string;
}
interface ResourceOptions {
  experiment?: string;
  model?: string;
  dataset?: string;
  global?: boolean;
}

/** Exactly one of the options given, or an error that lists them. */
function exactlyOne<T extends object>(options: T, names: (keyof T & string)[]): void {
  const given = names.filter((n) => options[n] !== undefined && options[n] !== false);
  if (given.length !== 1) {
    const flags = names.map((n) => `--${n}`).join(', ');
    throw new Error(
      given.length === 0
        ? `name one of ${flags}`
        : `name only one of ${flags}; got ${given.map((n) => `--${n}`).join(' and ')}`,
    );
  }
}

/** The request body naming who and what a role binding is about, checked before anything is sent. */
function bindingTarget(options: SubjectOptions & ResourceOptions): Record<string, unknown> {
  exactlyOne(options, ['user', 'team']);
  exactlyOne(options, ['experiment', 'model', 'dataset', 'global']);
  return {
    user: options.user,
    team: options.team,
    experiment: options.experiment,
    model: options.model,
    dataset: options.dataset,
    global: options.global ? true : undefined,
  };
}

/** `experiment:<id>`, `model:<name>`, `dataset:<namespace>:<name>` or `global`, from the options that name it. */
function namedResource(options: ResourceOptions): string {
  if (options.global) return 'global';
  if (options.experiment !== undefined) return `experiment:${options.experiment}`;
  if (options.model !== undefined) return `model:${options.model}`;
  return `dataset:${options.dataset}`;
}

const subjectOptions = (command: Command) =>
  command.option('--user <name>', 'a user or service account').option('--team <name>', 'a team');
const resourceOptions = (command: Command) =>
  command
    .option('--experiment <id>', 'an experiment, by id')
    .option('--model <name>', 'a registered model')
    .option('--dataset <namespace:name>', 'a lineage dataset and its versions')
    .option('--global', 'every experiment and model (granted by administrators)');

const describeSubject = (b: Binding) => `${b.subject.kind}:${b.subject.name}`;
const describeResource = (b: Binding) =>
  b.resource.kind === 'global' ? 'global' : `${b.resource.kind}:${b.resource.id}`;

/** `mnemo permissions …`: roles of users and teams on experiments, registered models, datasets or the server. */
export function permissionsCommand(): Command {
  const permissions = serverCommandGroup(
    'permissions',
    'Roles (reader, editor, manager) of users and teams on experiments, registered models, datasets or everything',
  );

  resourceOptions(
    subjectOptions(
      permissions
        .command('grant')
        .description('Grant a role to a user or team; whoever manages the resource may')
        .addArgument(new Argument('<role>', 'reader, editor or manager').choices(ROLES)),
    ),
  ).action(async (role: RoleName, options: SubjectOptions & ResourceOptions, command: Command) => {
    const body = { role, ...bindingTarget(options) };
    const { permission } = await accessClient(command).request<{ permission: Binding }>('POST', '/permissions', {
      json: body,
    });
    console.log(`Granted ${permission.role} on ${describeResource(permission)} to ${describeSubject(permission)}`);
  });

  resourceOptions(
    subjectOptions(permissions.command('revoke').description('Revoke the role a user or team holds on a resource')),
  ).action(async (options: SubjectOptions & ResourceOptions, command: Command) => {
    const body = bindingTarget(options);
    await accessClient(command).request('DELETE', '/permissions', { json: body });
    const subject = options.user !== undefined ? `user:${options.user}` : `team:${options.team}`;
    console.log(`Revoked the role of ${subject} on ${namedResource(options)}`);
  });

  permissions
    .command('list')
    .description('List role bindings: all of them, or those on one experiment, registered model or dataset')
    .addOption(new Option('--experiment <id>', 'only those on this experiment').conflicts(['model', 'dataset']))
    .addOption(new Option('--model <name>', 'only those on this registered model').conflicts('dataset'))
    .option('--dataset <namespace:name>', 'only those on this dataset')
    .option('--json', 'print JSON')
    .action(async (options: ResourceOptions & { json?: boolean }, command: Command) => {
      const { permissions: all } = await accessClient(command).request<{ permissions: Binding[] }>(
        'GET',
        withQuery('/permissions', { experiment: options.experiment, model: options.model, dataset: options.dataset }),
      );
      if (options.json) return printJson(all);
      printTable(
        ['ROLE', 'SUBJECT', 'RESOURCE', 'GRANTED'],
        all.map((b) => [b.role, describeSubject(b), describeResource(b), formatTime(b.createdTime)]),
      );
    });

  permissions
    .command('restrict')
    .description(
      'Restrict an experiment, registered model or dataset: only users and teams with a role bound to it see it ' +
        '(--off lifts the restriction)',
    )
    .option('--experiment <id>', 'an experiment, by id')
    .option('--model <name>', 'a registered model')
    .option('--dataset <namespace:name>', 'a lineage dataset and its versions')
    .option('--off', 'lift the restriction')
    .action(async (options: ResourceOptions & { off?: boolean }, command: Command) => {
      exactlyOne(options, ['experiment', 'model', 'dataset']);
      const restricted = !options.off;
      await accessClient(command).request('PUT', '/restrictions', {
        json: { experiment: options.experiment, model: options.model, dataset: options.dataset, restricted },
      });
      const resource = namedResource(options).replace(':', ' ');
      console.log(
        restricted
          ? `${resource} is restricted: only roles bound to it give access`
          : `${resource} is no longer restricted`,
      );
    });

  return permissions;
}
