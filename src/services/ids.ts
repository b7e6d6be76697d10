import { randomBytes, randomUUID } from 'node:crypto';

/** Run ids look like MLflow's (32 hex characters) so tools that parse them keep working. */
export const newRunId = (): string => randomUUID().replaceAll('-', '');

export const newId = (): string => randomUUID().replaceAll('-', '');

/** Experiment ids are decimal strings as in MLflow; random so replicas never need to coordinate. */
export function newExperimentId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 10n ** 15n;
  return (n + 10n ** 15n).toString();
}
