import type { Run } from '../api/types.js';

/**
 * Where the facts a run page leads with come from. MLflow clients record them as system tags; Mnemo's SDK and
 * `mnemo run` use the same names, and a seed may also arrive as a param.
 */
export const SOURCE_TAGS = {
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitRepo: 'mlflow.source.git.repoURL',
  notes: 'mlflow.note.content',
  user: 'mlflow.user',
} as const;

const SEED_KEYS = ['seed', 'random_seed', 'random_state', 'mnemo.seed'];

export function seedOf(run: Run): string | null {
  for (const key of SEED_KEYS) {
    const value = run.params[key] ?? run.tags[key];
    if (value !== undefined) return value;
  }
  return null;
}

/** Tags that describe where and how a run executed rather than what it tried: shown as its environment. */
export function isEnvironmentTag(key: string): boolean {
  return (
    key.startsWith('mlflow.source.') ||
    key.startsWith('mnemo.env') ||
    key.startsWith('mnemo.environment') ||
    key.startsWith('env.') ||
    key === 'mlflow.docker.image.name' ||
    key === 'mlflow.docker.image.id' ||
    key === 'mlflow.project.env' ||
    key === 'mlflow.gitRepoURL' ||
    /^(python|os|platform|host(name)?|gpu|cuda|framework)(\.|_version|$)/i.test(key)
  );
}

/** System tags already shown elsewhere on the run page, hidden from the plain tag list. */
export function isHiddenTag(key: string): boolean {
  return key === SOURCE_TAGS.notes || key === 'mlflow.runName' || key === 'mlflow.log-model.history';
}
