import { invalid } from '../errors.js';
import type { ModelCard } from './entities.js';

export const MODEL_NAME_LIMIT = 500;
export const TEXT_LIMIT = 65_535;
export const FLAG_LIMIT = 50;

/** Registered model names: non-empty, bounded, printable (they travel in URLs and filters). */
export function validateModelName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw invalid('Registered model name must be a non-empty string');
  if (name.length > MODEL_NAME_LIMIT) {
    throw invalid(`Registered model name is ${name.length} characters; the limit is ${MODEL_NAME_LIMIT}`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here.
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid('Registered model name must not contain control characters');
  return name;
}

export const EMPTY_CARD: ModelCard = {
  description: null,
  ownerTeam: null,
  purpose: null,
  algorithmFamily: null,
  taskType: null,
  intendedUse: null,
  limitations: null,
  latencyBudgetMs: null,
  regulatoryFlags: [],
};

const TEXT_FIELDS = [
  'description',
  'ownerTeam',
  'purpose',
  'algorithmFamily',
  'taskType',
  'intendedUse',
  'limitations',
] as const;

/** Applies a partial update to a card, checking each field it touches; `null` clears a field. */
export function applyCardChanges(card: ModelCard, changes: Partial<ModelCard>): ModelCard {
  const next: ModelCard = { ...card, regulatoryFlags: [...card.regulatoryFlags] };
  for (const field of TEXT_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    if (value !== null) checkText(value, field);
    next[field] = value === '' ? null : value;
  }
  if (changes.latencyBudgetMs !== undefined) {
    const budget = changes.latencyBudgetMs;
    if (budget !== null && (!Number.isFinite(budget) || budget <= 0)) {
      throw invalid(`latencyBudgetMs must be a positive number of milliseconds; got ${budget}`);
    }
    next.latencyBudgetMs = budget;
  }
  if (changes.regulatoryFlags !== undefined) next.regulatoryFlags = checkFlags(changes.regulatoryFlags);
  return next;
}

export function checkText(value: string, field: string, limit = TEXT_LIMIT): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (value.length > limit) throw invalid(`${field} is ${value.length} characters; the limit is ${limit}`);
  return value;
}

function checkFlags(flags: string[]): string[] {
  if (!Array.isArray(flags) || flags.length > FLAG_LIMIT) {
    throw invalid(`regulatoryFlags must be a list of at most ${FLAG_LIMIT} strings`);
  }
  for (const flag of flags) {
    if (typeof flag !== 'string' || flag === '' || flag.length > 100) {
      throw invalid(`Each regulatory flag must be a string of 1-100 characters; got '${String(flag)}'`);
    }
  }
  return [...new Set(flags)].sort();
}

/** A break-glass override must say why: its reason is kept in the audit log beside the failures it let through. */
export function checkOverride(override: { reason: string }): void {
  if (typeof override.reason !== 'string' || override.reason.trim() === '') {
    throw invalid('An override needs a reason');
  }
  checkText(override.reason, 'override reason', 5000);
}
