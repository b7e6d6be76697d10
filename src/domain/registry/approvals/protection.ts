import { invalid } from '../../errors.js';
import { validateAlias } from '../aliases.js';
import { parseStage, type Stage } from '../stages.js';

/** Where a transition moves a version: into a stage, or under an alias. */
export type TransitionTarget = { stage: Stage } | { alias: string };

/**
 * Which stages and aliases of a registered model need approval before a version moves there, and what approval
 * means: `approvals` distinct approvers, among whom every team of `teams` is represented. Without teams an approver
 * needs the manager role on the model.
 */
export interface ProtectionRule {
  stages: Stage[];
  aliases: string[];
  approvals: number;
  teams: string[];
}

/** A server that protects nothing: what `--protect-stages none` and servers without authentication default to. */
export const NO_PROTECTION: ProtectionRule = { stages: [], aliases: [], approvals: 1, teams: [] };

export const MAX_APPROVALS = 10;

export function validateProtection(input: {
  stages?: readonly string[] | undefined;
  aliases?: readonly string[] | undefined;
  approvals?: number | undefined;
  teams?: readonly string[] | undefined;
}): ProtectionRule {
  const stages = [...new Set((input.stages ?? []).map(parseStage))];
  const aliases = [...new Set(input.aliases ?? [])];
  for (const alias of aliases) validateAlias(alias);
  const approvals = input.approvals ?? 1;
  if (!Number.isInteger(approvals) || approvals < 1 || approvals > MAX_APPROVALS) {
    throw invalid(`approvals must be a whole number from 1 to ${MAX_APPROVALS}; got ${approvals}`);
  }
  const teams = [...new Set(input.teams ?? [])];
  if (teams.length > MAX_APPROVALS) throw invalid(`A protection rule may name at most ${MAX_APPROVALS} teams`);
  if (stages.includes('None')) throw invalid("Stage 'None' cannot be protected: it is where versions start");
  return { stages, aliases, approvals, teams };
}

export function protects(rule: ProtectionRule, target: TransitionTarget): boolean {
  return 'stage' in target ? rule.stages.includes(target.stage) : rule.aliases.includes(target.alias);
}

/** How many approvals complete a request: every required team needs an approver of its own. */
export function approvalsNeeded(rule: Pick<ProtectionRule, 'approvals' | 'teams'>): number {
  return Math.max(rule.approvals, rule.teams.length);
}

export function describeTarget(target: TransitionTarget): string {
  return 'stage' in target ? `stage ${target.stage}` : `alias '${target.alias}'`;
}
