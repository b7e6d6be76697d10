import type { RecordedData } from '../capture/recorded-data.js';
import { diffPackages } from './run-diff.js';

/**
 * What re-running a run needs, as the run recorded it, and how the current checkout and environment differ from
 * it. Pure: `mnemo reproduce` gathers both sides and prints what this finds.
 */
export interface Recipe {
  runId: string;
  command: string | null;
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
  /** Digest (`sha256:<hex>`) of the uncommitted diff the run had, kept as its artifact `code/diff.patch`. */
  diffDigest: string | null;
  seed: string | null;
  params: Record<string, string>;
  /** e.g. `python 3.11.4`; null when the run recorded no environment. */
  runtime: string | null;
  packages: Record<string, string> | null;
  /** What `mnemo run --input` hashed when the run read it: each is hashed again here. */
  inputs: RecordedData[];
  /** What `mnemo run --output` hashed after the command wrote it; a new run writes them again. */
  outputs: RecordedData[];
}

/** A recorded input hashed again here: its digest now, gone, or not readable (S3 unreachable, a file refused). */
export type InputCheck =
  | { state: 'found'; digest: string }
  | { state: 'missing' }
  | { state: 'unchecked'; reason: string };

export interface CurrentState {
  /** Null outside a git repository. */
  commit: string | null;
  dirty: boolean;
  diffDigest: string | null;
  /** The Python version found here, or null when there is none. */
  python: string | null;
  /** `pip list` here; null when Python or pip is missing. */
  packages: Record<string, string> | null;
  /** Each recorded input hashed again here, by its URI; one not hashed counts as not checked, never as the same. */
  inputs: Record<string, InputCheck>;
}

export interface Difference {
  aspect: 'commit' | 'uncommitted changes' | 'python' | 'package' | 'input';
  /** What differs, in words. */
  what: string;
  recorded: string | null;
  current: string | null;
}

export function reproductionDifferences(recipe: Recipe, current: CurrentState): Difference[] {
  const differences: Difference[] = [];
  if (recipe.commit !== null && current.commit !== recipe.commit) {
    differences.push({
      aspect: 'commit',
      what: current.commit === null ? 'not in a git repository' : `check out ${recipe.commit}`,
      recorded: recipe.commit,
      current: current.commit,
    });
  }
  if (recipe.commit !== null) {
    const currentDigest = current.dirty ? current.diffDigest : null;
    if (recipe.dirty === true && !current.dirty) {
      differences.push({
        aspect: 'uncommitted changes',
        what: 'the run had uncommitted changes: apply its artifact code/diff.patch',
        recorded: recipe.diffDigest ?? 'uncommitted changes',
        current: null,
      });
    } else if (recipe.dirty === true && recipe.diffDigest !== null && currentDigest !== recipe.diffDigest) {
      differences.push({
        aspect: 'uncommitted changes',
        what: 'the uncommitted changes differ from the run’s (its diff is the artifact code/diff.patch)',
        recorded: recipe.diffDigest,
        current: currentDigest,
      });
    } else if (recipe.dirty !== true && current.dirty) {
      differences.push({
        aspect: 'uncommitted changes',
        what: 'uncommitted changes the run did not have',
        recorded: null,
        current: currentDigest,
      });
    }
  }
  const recordedPython = /^python\s+(\S+)/i.exec(recipe.runtime ?? '')?.[1] ?? null;
  if (recordedPython !== null && current.python !== recordedPython) {
    differences.push({
      aspect: 'python',
      what: current.python === null ? 'no Python found' : `Python ${recordedPython} was used`,
      recorded: recordedPython,
      current: current.python,
    });
  }
  if (recipe.packages !== null && Object.keys(recipe.packages).length > 0) {
    if (current.packages === null) {
      differences.push({
        aspect: 'package',
        what: 'no Python with pip here to compare packages with',
        recorded: `${Object.keys(recipe.packages).length} packages`,
        current: null,
      });
    } else {
      const changes = diffPackages(recipe.packages, current.packages);
      for (const p of changes.removed) {
        differences.push({ aspect: 'package', what: `${p.name} is missing`, recorded: p.version, current: null });
      }
      for (const p of changes.added) {
        differences.push({
          aspect: 'package',
          what: `${p.name} was not installed`,
          recorded: null,
          current: p.version,
        });
      }
      for (const p of changes.changed) {
        differences.push({ aspect: 'package', what: `${p.name} is at another version`, recorded: p.a, current: p.b });
      }
    }
  }
  differences.push(...inputDifferences(recipe.inputs, current.inputs));
  return differences;
}

/** Inputs whose bytes are not the ones the run read, or could not be read to tell. */
function inputDifferences(recorded: readonly RecordedData[], checks: Record<string, InputCheck>): Difference[] {
  const differences: Difference[] = [];
  for (const input of recorded) {
    const check = checks[input.uri] ?? { state: 'unchecked', reason: 'it was not hashed here' };
    if (check.state === 'found' && check.digest === input.digest) continue;
    const base = { aspect: 'input' as const, recorded: input.digest };
    if (check.state === 'found') {
      differences.push({ ...base, what: `${input.uri} changed since the run read it`, current: check.digest });
    } else if (check.state === 'missing') {
      differences.push({ ...base, what: `${input.uri} is missing`, current: null });
    } else {
      differences.push({ ...base, what: `${input.uri} could not be checked: ${check.reason}`, current: null });
    }
  }
  return differences;
}
