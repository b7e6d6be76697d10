import type { Command } from 'commander';
import { type WebhookEventName, type WebhookInput, WebhooksClient } from '../sdk/webhooks.js';
import { collect, serverCommandGroup } from './access-client.js';
import { clientToken } from './options.js';
import { formatTime, printJson, printTable } from './output.js';

const client = (command: Command) =>
  new WebhooksClient({ url: String(command.optsWithGlobals().trackingUri), token: clientToken() });

/** `MODEL_VERSION.CREATED` (or `model_version.created`) → {entity, action}. */
function parseEvent(text: string): WebhookEventName {
  const dot = text.lastIndexOf('.');
  if (dot <= 0 || dot === text.length - 1) {
    throw new Error(`an event is ENTITY.ACTION, such as MODEL_VERSION.CREATED; got '${text}'`);
  }
  return { entity: text.slice(0, dot).toUpperCase(), action: text.slice(dot + 1).toUpperCase() };
}

interface HookOptions {
  name?: string;
  url?: string;
  event?: string[];
  description?: string;
  secret?: string;
  status?: string;
  model?: string;
  experiment?: string;
  owner?: string;
  json?: boolean;
}

function inputOf(options: HookOptions): WebhookInput {
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.event ? { events: options.event.map(parseEvent) } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    // Read from the environment, so it stays out of shell history and `ps`.
    ...(options.secret !== undefined ? { secret: process.env[options.secret] ?? '' } : {}),
    ...(options.status !== undefined ? { status: options.status.toUpperCase() as 'ACTIVE' | 'DISABLED' } : {}),
    ...(options.model !== undefined ? { model_name: options.model } : {}),
    ...(options.experiment !== undefined ? { experiment_id: options.experiment } : {}),
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
  };
}

const events = (list: WebhookEventName[]) => list.map((e) => `${e.entity}.${e.action}`).join(', ');

function withHookOptions(command: Command): Command {
  return command
    .option('--name <name>', 'a name for the webhook')
    .option('--url <url>', 'where deliveries are POSTed (http or https)')
    .option('--event <ENTITY.ACTION>', 'an event to subscribe to, e.g. MODEL_VERSION.CREATED (repeatable)', collect)
    .option('--description <text>', 'what the webhook is for')
    .option('--secret <ENV_VAR>', 'environment variable holding the signing secret (empty: remove it)')
    .option('--status <status>', 'ACTIVE or DISABLED')
    .option('--model <name>', 'only events about this registered model')
    .option('--experiment <id>', 'only events about this experiment')
    .option('--owner <user>', 'whose read access filters the events (administrators only; default: you)')
    .option('--json', 'print JSON');
}

/** `mnemo webhooks …`: subscriptions to registry and run events, their test deliveries and delivery logs. */
export function webhooksCommand(): Command {
  const webhooks = serverCommandGroup('webhooks', 'Webhooks: subscriptions to registry and run events');

  webhooks
    .command('list')
    .description('List the webhooks you own (administrators: all)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const all = await client(command).list();
      if (options.json) return printJson(all);
      printTable(
        ['ID', 'NAME', 'STATUS', 'URL', 'EVENTS', 'SCOPE'],
        all.map((w) => [
          w.webhook_id,
          w.name,
          w.status,
          w.url,
          events(w.events),
          w.model_name ? `model ${w.model_name}` : w.experiment_id ? `experiment ${w.experiment_id}` : '-',
        ]),
      );
    });

  withHookOptions(webhooks.command('create').description('Create a webhook')).action(
    async (options: HookOptions, command: Command) => {
      if (!options.name || !options.url || !options.event?.length) {
        throw new Error('create needs --name, --url and at least one --event');
      }
      const input = inputOf(options);
      const created = await client(command).create({
        ...input,
        name: options.name,
        url: options.url,
        events: input.events!,
      });
      if (options.json) return printJson(created);
      console.log(`Created webhook ${created.webhook_id} (${events(created.events)})`);
    },
  );

  withHookOptions(webhooks.command('update <id>').description('Change a webhook')).action(
    async (id: string, options: HookOptions, command: Command) => {
      const updated = await client(command).update(id, inputOf(options));
      if (options.json) return printJson(updated);
      console.log(`Updated webhook ${updated.webhook_id}`);
    },
  );

  webhooks
    .command('delete <id>')
    .description('Delete a webhook and its delivery log')
    .action(async (id: string, _options: unknown, command: Command) => {
      await client(command).delete(id);
      console.log(`Deleted webhook ${id}`);
    });

  webhooks
    .command('test <id>')
    .description("Send an example delivery of an event (default: the webhook's first) and show the answer")
    .option('--event <ENTITY.ACTION>', 'the event to send an example of')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { event?: string; json?: boolean }, command: Command) => {
      const result = await client(command).test(id, options.event ? parseEvent(options.event) : undefined);
      if (options.json) printJson(result);
      else if (result.success) console.log(`Delivered: the receiver answered ${result.response_status}`);
      else console.log(`Not delivered: ${result.error_message ?? `the receiver answered ${result.response_status}`}`);
      // A failed test is a check that ran and failed.
      if (!result.success) process.exitCode = 1;
    });

  webhooks
    .command('deliveries <id>')
    .description("The webhook's delivery log, newest first")
    .option('--status <status>', 'only PENDING, SUCCEEDED or FAILED deliveries')
    .option('--max-results <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { status?: string; maxResults: string; json?: boolean }, command: Command) => {
      const list = await client(command).deliveries(id, {
        ...(options.status ? { status: options.status.toUpperCase() as 'PENDING' } : {}),
        maxResults: Number(options.maxResults),
      });
      if (options.json) return printJson(list);
      printTable(
        ['DELIVERY', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST CODE', 'CREATED', 'LAST ERROR'],
        list.map((d) => [
          d.delivery_id,
          d.event,
          d.status,
          String(d.attempts),
          d.last_status_code === null ? '-' : String(d.last_status_code),
          formatTime(d.creation_timestamp),
          d.last_error ?? '-',
        ]),
      );
    });

  return webhooks;
}
