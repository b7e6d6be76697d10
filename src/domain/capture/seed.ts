import { invalid } from '../errors.js';

/** PYTHONHASHSEED takes 0…4294967295; a seed outside it would be refused by Python at start-up. */
const MAX_SEED = 4_294_967_295;

/** Reads `--seed N`: a whole number Python and NumPy both accept. */
export function parseSeed(text: string): number {
  const trimmed = text.trim();
  const value = /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value >= 0 && value <= MAX_SEED)) {
    throw invalid(`--seed takes a whole number from 0 to ${MAX_SEED}; got '${text}'`);
  }
  return value;
}

export type SeedSource = 'flag' | 'param';

/**
 * The run's seed: the one given with `--seed` wins; otherwise a param `seed` the program logged, when it is a whole
 * number. Answers undefined when the run has no seed.
 */
export function recognisedSeed(
  flag: number | undefined,
  params: Record<string, string>,
): { seed: string; source: SeedSource } | undefined {
  if (flag !== undefined) return { seed: String(flag), source: 'flag' };
  const logged = params.seed?.trim();
  if (logged !== undefined && /^-?\d{1,20}$/.test(logged)) return { seed: logged, source: 'param' };
  return undefined;
}
