import { randomBytes, randomUUID } from 'node:crypto';

/** Run ids look like MLflow's (32 hex characters) so tools that parse them keep working. */
export const newRunId = (): string => randomUUID().replaceAll('-', '');

export const newId = (): string => randomUUID().replaceAll('-', '');

/** Experiment ids are decimal strings as in MLflow; random so replicas never need to coordinate. */
export function newExperimentId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 10n ** 15n;
  return (n + 10n ** 15n).toString();
}

/**
 * Metric batch ids: random positive integers below 2^53 (exact in JavaScript and in a bigint column). Random rather
 * than counted so concurrent writers and replicas need no coordination; a run would need around 10^8 batches before
 * two of them were likely to share an id.
 */
export function newBatchId(): number {
  return Number(randomBytes(8).readBigUInt64BE() >> 11n) || 1;
}
