import { sql } from 'kysely';
import type { Executor } from '../store.js';

/**
 * What decides which of a run's values are sensitive, for each of the given experiments that exists: its own
 * sensitive-keys tag (`tagKey`; null without one) and the schema subjects that could govern its runs (`run:<name>`
 * and `run`) that exist, with their latest version: a row per such subject, or one row with a null subject.
 */
export interface RunPolicySource {
  experimentId: string;
  name: string;
  sensitiveKeys: string | null;
  subject: string | null;
  lastVersion: number | null;
}

/**
 * One read instead of three (the tag, the experiment, its subjects): every run search and run creation asks this,
 * and on PostgreSQL each statement is a round trip.
 */
export async function runPolicySources(
  db: Executor,
  experimentIds: readonly string[],
  tagKey: string,
): Promise<RunPolicySource[]> {
  if (experimentIds.length === 0) return [];
  const rows = await db
    .selectFrom('experiments as e')
    .leftJoin('experiment_tags as t', (join) =>
      join.onRef('t.experiment_id', '=', 'e.experiment_id').on('t.key', '=', tagKey),
    )
    .leftJoin('metadata_subjects as s', (join) =>
      join.on((eb) => eb.or([eb('s.subject', '=', sql<string>`'run:' || e.name`), eb('s.subject', '=', 'run')])),
    )
    .select(['e.experiment_id', 'e.name', 't.value as sensitive_keys', 's.subject', 's.last_version'])
    .where('e.experiment_id', 'in', [...experimentIds])
    .execute();
  return rows.map((row) => ({
    experimentId: row.experiment_id,
    name: row.name,
    sensitiveKeys: row.sensitive_keys,
    subject: row.subject,
    lastVersion: row.last_version === null ? null : Number(row.last_version),
  }));
}
