import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  PolicyClient,
  type PolicyInput,
  type PolicyRule,
  type PolicyTarget,
  type PolicyVerdict,
} from '../sdk/policies.js';
import { EXIT } from './failure.js';
import { clientToken, trackingUriOption } from './options.js';
import { formatTime, printJson, printTable } from './output.js';
import { verdictLines } from './policy-report.js';

/** `mnemo policies …`: promotion policies (CEL rules on a stage or alias) from the command line. */
export function policiesCommand(): Command {
  const policies = new Command('policies')
    .description('Promotion policies: CEL rules a version must pass to reach a stage or alias')
    .addOption(trackingUriOption());

  policies
    .command('list')
    .description('List policies (built-in ones first); --model lists those that apply to one model')
    .option('--model <name>', 'only the policies that apply to this model')
    .option('--json', 'print JSON')
    .action(async (options: { model?: string; json?: boolean }, command: Command) => {
      const list = await client(command).list({ model: options.model });
      if (options.json) return printJson(list);
      printTable(
        ['NAME', 'VERSION', 'TARGET', 'MODEL', 'RULES', 'UPDATED'],
        list.map((p) => [
          p.name,
          p.builtin ? 'built-in' : String(p.version),
          targetText(p.target),
          p.model ?? '(all)',
          String(p.rules.length),
          p.builtin ? '-' : formatTime(p.lastUpdatedTime),
        ]),
      );
    });

  policies
    .command('show <name>')
    .description('Show a policy and its rules')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const policy = await client(command).get(name);
      if (options.json) return printJson(policy);
      console.log(`${policy.name} v${policy.version}${policy.builtin ? ' (built-in)' : ''}`);
      console.log(`  target: ${targetText(policy.target)}; model: ${policy.model ?? '(all)'}`);
      if (policy.description) console.log(`  ${policy.description}`);
      for (const rule of policy.rules) {
        console.log(`  - ${rule.name}: ${rule.expression}${rule.description ? `  # ${rule.description}` : ''}`);
      }
    });

  withPolicyOptions(
    policies
      .command('put <name>')
      .description('Create a policy or replace it with its next version (from --file or --rule options)')
      .option('--description <text>'),
  ).action(async (name: string, options: PolicyOptions & { description?: string }, command: Command) => {
    const input = await policyInput(options);
    if (options.description !== undefined) input.description = options.description;
    const saved = await client(command).put(name, input);
    console.log(`Saved policy '${saved.name}' version ${saved.version} on ${targetText(saved.target)}`);
  });

  policies
    .command('delete <name>')
    .description('Delete a policy')
    .action(async (name: string, _options: unknown, command: Command) => {
      await client(command).delete(name);
      console.log(`Deleted policy '${name}'`);
    });

  withPolicyOptions(
    policies
      .command('test [name]')
      .description(
        'Evaluate a stored policy, or rules from --file / --rule, against a version without saving anything ' +
          '(exit 0 pass, 1 fail)',
      )
      .requiredOption('--model <name>', 'registered model')
      .requiredOption('--version <n>', 'model version')
      .option('--json', 'print JSON'),
  ).action(
    async (
      name: string | undefined,
      options: PolicyOptions & { model: string; version: string; json?: boolean },
      command: Command,
    ) => {
      const version = Number(options.version);
      if (!Number.isSafeInteger(version) || version < 1) throw new Error('--version must be a positive integer');
      const target = options.stage || options.alias ? targetOf(options) : undefined;
      let verdict: PolicyVerdict;
      if (name !== undefined) {
        verdict = await client(command).test(options.model, version, { policy: name, target });
      } else {
        const input = await policyInput({ ...options, model: undefined });
        verdict = await client(command).test(options.model, version, { rules: input.rules, target: input.target });
      }
      if (options.json) printJson(verdict);
      else console.log([verdict.passed ? 'PASS' : 'FAIL', ...verdictLines(verdict)].join('\n'));
      process.exitCode = verdict.passed ? EXIT.ok : EXIT.checkFailed;
    },
  );

  return policies;
}

interface PolicyOptions {
  file?: string;
  rule?: PolicyRule[];
  stage?: string;
  alias?: string;
  model?: string;
  forModel?: string;
}

function withPolicyOptions(command: Command): Command {
  return command
    .option('--file <file>', 'a JSON policy: {"target": {"stage": …}, "rules": [{"name", "expression"}], "model"?}')
    .option('--rule <name=expression>', 'a rule (repeatable)', collectRule)
    .addOption(new Option('--stage <stage>', 'the stage the policy guards').conflicts('alias'))
    .addOption(new Option('--alias <alias>', 'the alias the policy guards'))
    .option('--for-model <name>', 'make the policy apply to one model only');
}

function collectRule(pair: string, previous: PolicyRule[] = []): PolicyRule[] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`--rule expects name=expression, got '${pair}'`);
  return [...previous, { name: pair.slice(0, eq), expression: pair.slice(eq + 1) }];
}

function targetOf(options: PolicyOptions): PolicyTarget {
  if (options.stage !== undefined) return { stage: options.stage };
  if (options.alias !== undefined) return { alias: options.alias };
  throw new Error('name the target with --stage <stage> or --alias <alias>');
}

/** A policy from a JSON file, with --stage / --alias / --for-model / --rule options overriding what it says. */
async function policyInput(options: PolicyOptions): Promise<PolicyInput> {
  let fromFile: Partial<PolicyInput> = {};
  if (options.file) {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (error) {
      throw new Error(`--file: cannot read ${options.file}: ${(error as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as Partial<PolicyInput>;
    } catch (error) {
      throw new Error(`--file: ${options.file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const rules = [...(fromFile.rules ?? []), ...(options.rule ?? [])];
  if (rules.length === 0) throw new Error('give the rules with --file <policy.json> or --rule name=expression');
  const target = options.stage || options.alias ? targetOf(options) : fromFile.target;
  if (!target) throw new Error('name the target with --stage <stage> or --alias <alias> (or "target" in the file)');
  const input: PolicyInput = { target, rules };
  if (fromFile.description !== undefined) input.description = fromFile.description;
  const model = options.forModel ?? fromFile.model;
  if (model !== undefined) input.model = model;
  return input;
}

const targetText = (target: { stage?: string; alias?: string }) =>
  target.stage !== undefined ? `stage ${target.stage}` : `alias '${target.alias}'`;

function client(command: Command): PolicyClient {
  return new PolicyClient({
    url: String(command.optsWithGlobals().trackingUri),
    token: clientToken(),
    retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
  });
}
