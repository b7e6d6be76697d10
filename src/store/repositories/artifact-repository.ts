import type { ArtifactsTable } from '../schema.js';
import type { Executor } from '../store.js';

export async function recordArtifact(db: Executor, row: ArtifactsTable): Promise<void> {
  await db
    .insertInto('artifacts')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['run_id', 'path']).doUpdateSet((eb) => ({
        size: eb.ref('excluded.size'),
        sha256: eb.ref('excluded.sha256'),
        created_time: eb.ref('excluded.created_time'),
      })),
    )
    .execute();
}

export async function forgetArtifacts(db: Executor, runId: string, pathPrefix: string): Promise<void> {
  if (pathPrefix === '') {
    await db.deleteFrom('artifacts').where('run_id', '=', runId).execute();
    return;
  }
  await db
    .deleteFrom('artifacts')
    .where('run_id', '=', runId)
    .where((eb) =>
      eb.or([
        eb('path', '=', pathPrefix),
        // substr instead of LIKE: artifact names may contain % or _, which must match literally.
        eb(eb.fn('substr', ['path', eb.val(1), eb.val(pathPrefix.length + 1)]), '=', `${pathPrefix}/`),
      ]),
    )
    .execute();
}

export async function artifactDigests(
  db: Executor,
  runId: string,
): Promise<Map<string, { size: number; sha256: string }>> {
  const rows = await db
    .selectFrom('artifacts')
    .select(['path', 'size', 'sha256'])
    .where('run_id', '=', runId)
    .execute();
  return new Map(rows.map((r) => [r.path, { size: r.size, sha256: r.sha256 }]));
}

/** The bytes a run's recorded artifacts hold in all, and those of the one at `path` (0 when there is none). */
export async function runArtifactBytes(
  db: Executor,
  runId: string,
  path: string,
): Promise<{ total: number; atPath: number }> {
  const row = await db
    .selectFrom('artifacts')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total'),
      eb.fn
        .coalesce(eb.fn.sum<number>(eb.case().when('path', '=', path).then(eb.ref('size')).else(0).end()), eb.lit(0))
        .as('atPath'),
    ])
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), atPath: Number(row.atPath) };
}

/** A run's recorded artifact files with their sizes and digests, in path order. */
export function artifactFilesOf(
  db: Executor,
  runId: string,
): Promise<{ path: string; size: number; sha256: string }[]> {
  return db
    .selectFrom('artifacts')
    .select(['path', 'size', 'sha256'])
    .where('run_id', '=', runId)
    .orderBy('path')
    .execute();
}
