import { invalid } from '../errors.js';

/** MLflow's model version stages, in the spelling MLflow clients send and expect back. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

/** Accepts any letter case (MLflow does: `production` is Production); anything else is refused naming the set. */
export function parseStage(raw: string): Stage {
  const found = STAGES.find((stage) => stage.toLowerCase() === raw.toLowerCase());
  if (found === undefined) {
    throw invalid(`Invalid model version stage '${raw}'; allowed stages: ${STAGES.join(', ')}`);
  }
  return found;
}

export interface StageChange {
  version: number;
  from: Stage;
  to: Stage;
}

/**
 * Decides every stage change a transition implies. Moving a version to Staging or Production with
 * `archiveExisting` also archives the other versions currently in that stage (MLflow's
 * `archive_existing_versions`); it is refused for other targets because nothing would be archived by it.
 */
export function planTransition(
  current: readonly { version: number; stage: Stage }[],
  version: number,
  target: Stage,
  archiveExisting: boolean,
): StageChange[] {
  const subject = current.find((v) => v.version === version);
  if (subject === undefined) throw new RangeError(`version ${version} is not among the versions given`);
  if (archiveExisting && target !== 'Staging' && target !== 'Production') {
    throw invalid(
      `archive_existing_versions can only be used when transitioning to Staging or Production, not ${target}`,
    );
  }
  const changes: StageChange[] = [{ version, from: subject.stage, to: target }];
  if (archiveExisting) {
    for (const other of current) {
      if (other.version !== version && other.stage === target) {
        changes.push({ version: other.version, from: other.stage, to: 'Archived' });
      }
    }
  }
  return changes;
}

/** Per stage, the highest-numbered version in it: MLflow's "latest versions". */
export function latestPerStage<T extends { version: number; stage: Stage }>(
  versions: readonly T[],
  stages: readonly Stage[] = STAGES,
): T[] {
  const latest = new Map<Stage, T>();
  for (const v of versions) {
    if (!stages.includes(v.stage)) continue;
    const best = latest.get(v.stage);
    if (best === undefined || v.version > best.version) latest.set(v.stage, v);
  }
  return [...latest.values()].sort((a, b) => a.version - b.version);
}
