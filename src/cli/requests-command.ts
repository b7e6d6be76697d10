import type { Command } from 'commander';
import type { Decision, TransitionRequest } from '../sdk/approvals.js';
import { serverCommandGroup } from './access-client.js';
import { registryClient } from './models-command.js';
import { formatTime, printJson, printTable } from './output.js';

const target = (r: TransitionRequest) => (r.stage !== undefined ? r.stage : `@${r.alias}`);
const progress = (r: TransitionRequest) =>
  `${r.approvedBy.length}/${Math.max(r.requiredApprovals, r.requiredTeams.length)}` +
  (r.requiredTeams.length > 0 ? ` (${r.requiredTeams.join(', ')})` : '');

function summary(r: TransitionRequest): string {
  return `${r.id}: ${r.name} v${r.version} → ${target(r)} is ${r.status}, approvals ${progress(r)}`;
}

function printDecision(decision: Decision): void {
  console.log(summary(decision.transitionRequest));
  const moved = decision.modelVersion;
  if (moved) {
    const where = decision.transitionRequest.alias !== undefined ? `@${decision.transitionRequest.alias}` : moved.stage;
    console.log(`Applied: ${moved.name} version ${moved.version} is now ${where}`);
  }
}

/**
 * `mnemo requests …`: transition requests for protected stages and aliases. Exit codes as every command: 0 done,
 * 2 an error (a request already decided, or whose version is gone, is one), 3 refused — including an approval a rule
 * forbids (separation of duties, team, role), which the message names.
 */
export function requestsCommand(): Command {
  const requests = serverCommandGroup('requests', 'Transition requests to protected stages and aliases');

  requests
    .command('list')
    .description('List transition requests, newest first')
    .option('--model <name>', 'of one registered model')
    .option('--version <n>', 'of one version (with --model)')
    .option('--status <status>', 'pending, approved, rejected, withdrawn, expired or overridden')
    .option('--json', 'print JSON')
    .action(
      async (options: { model?: string; version?: string; status?: string; json?: boolean }, command: Command) => {
        const found = await registryClient(command).approvals.list({
          name: options.model,
          version: options.version === undefined ? undefined : Number(options.version),
          status: options.status as TransitionRequest['status'] | undefined,
        });
        if (options.json) return printJson(found);
        printTable(
          ['ID', 'MODEL', 'VERSION', 'TARGET', 'STATUS', 'APPROVALS', 'REQUESTER', 'CREATED'],
          found.map((r) => [
            r.id,
            r.name,
            String(r.version),
            target(r),
            r.status,
            progress(r),
            r.requester,
            formatTime(r.creationTime),
          ]),
        );
      },
    );

  requests
    .command('get <id>')
    .description('Show a request with its activity')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const request = await registryClient(command).approvals.get(id);
      if (options.json) return printJson(request);
      console.log(summary(request));
      printTable(
        ['TIME', 'ACTIVITY', 'BY', 'COMMENT'],
        request.activity.map((a) => [formatTime(a.time), a.kind, a.actor, a.comment ?? '-']),
      );
    });

  requests
    .command('create <model> <version>')
    .description('Ask for a version to be moved to a stage or alias that needs approval')
    .option('--stage <stage>', 'the stage, e.g. Production')
    .option('--alias <alias>', 'the alias, e.g. champion')
    .option('--reason <text>', 'why; the approvers see it')
    .option('--archive-existing', 'archive the versions in that stage once approved')
    .option('--json', 'print JSON')
    .action(
      async (
        model: string,
        version: string,
        options: { stage?: string; alias?: string; reason?: string; archiveExisting?: boolean; json?: boolean },
        command: Command,
      ) => {
        if ((options.stage === undefined) === (options.alias === undefined)) {
          throw new Error('name either --stage or --alias');
        }
        const made = await registryClient(command).approvals.create(
          model,
          Number(version),
          options.stage !== undefined ? { stage: options.stage } : { alias: options.alias! },
          { reason: options.reason, archiveExistingVersions: options.archiveExisting },
        );
        if (options.json) return printJson(made);
        console.log(summary(made));
      },
    );

  requests
    .command('approve <id>')
    .description('Approve a request; the last approval needed applies the transition')
    .option('--comment <text>', 'a note kept with the approval')
    .option('--break-glass', 'administrators: apply it now without its approvals (needs --reason; owners are told)')
    .option('--reason <text>', 'why the glass is broken (required with --break-glass)')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        options: { comment?: string; breakGlass?: boolean; reason?: string; json?: boolean },
        command: Command,
      ) => {
        const approvals = registryClient(command).approvals;
        let decision: Decision;
        if (options.breakGlass) {
          if (!options.reason?.trim()) throw new Error('--break-glass needs --reason');
          decision = await approvals.breakGlass(id, options.reason);
        } else {
          decision = await approvals.approve(id, options.comment);
        }
        if (options.json) return printJson(decision);
        printDecision(decision);
      },
    );

  for (const [name, description] of [
    ['reject', 'Reject a request'],
    ['withdraw', 'Withdraw your own request'],
  ] as const) {
    requests
      .command(`${name} <id>`)
      .description(description)
      .option('--comment <text>', 'why')
      .action(async (id: string, options: { comment?: string }, command: Command) => {
        const approvals = registryClient(command).approvals;
        const request =
          name === 'reject'
            ? await approvals.reject(id, options.comment)
            : await approvals.withdraw(id, options.comment);
        console.log(summary(request));
      });
  }

  requests
    .command('comment <id> <text>')
    .description('Comment on a request')
    .action(async (id: string, text: string, _options: unknown, command: Command) => {
      const request = await registryClient(command).approvals.comment(id, text);
      console.log(`${request.id}: ${request.activity.length} entries of activity`);
    });

  return requests;
}
