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
}

export interface CurrentState {
  /** Null outside a git repository. */
  commit: string | null;
  dirty: boolean;
  diffDigest: string | null;
  /** The Python version found here, or null when there is none. */
  python: string | null;
  /** `pip list` here; null when Python or pip is missing. */
  packages: Record<string, string> | null;
}

export interface Difference {
  aspect: 'commit' | 'uncommitted changes' | 'python' | 'package';
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
  return differences;
}
