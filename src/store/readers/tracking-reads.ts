import type { LoggedModelFilesTable, RunModelLinksTable } from '../schema-logged-models.js';
import type { Executor } from '../store.js';

/** Logged model files after `after` (from the first when undefined) in (model id, path) order. */
export function loggedModelFilesAfter(
  db: Executor,
  after: Pick<LoggedModelFilesTable, 'model_id' | 'path'> | undefined,
  limit: number,
): Promise<LoggedModelFilesTable[]> {
  return db
    .selectFrom('logged_model_files')
    .selectAll()
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('model_id', '>', after!.model_id),
          eb.and([eb('model_id', '=', after!.model_id), eb('path', '>', after!.path)]),
        ]),
      ),
    )
    .orderBy('model_id')
    .orderBy('path')
    .limit(limit)
    .execute();
}

/** Whether a logged model's file is stored. */
export async function loggedModelFileStored(db: Executor, modelId: string, path: string): Promise<boolean> {
  const row = await db
    .selectFrom('logged_model_files')
    .select('model_id')
    .where('model_id', '=', modelId)
    .where('path', '=', path)
    .executeTakeFirst();
  return row !== undefined;
}

type LinkKey = Pick<RunModelLinksTable, 'run_id' | 'direction' | 'model_id'>;

/** Run–model links after `after` (from the first when undefined) in (run id, direction, model id) order. */
export function runModelLinksAfter(
  db: Executor,
  after: LinkKey | undefined,
  limit: number,
): Promise<RunModelLinksTable[]> {
  return db
    .selectFrom('run_model_links')
    .selectAll()
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('run_id', '>', after!.run_id),
          eb.and([eb('run_id', '=', after!.run_id), eb('direction', '>', after!.direction)]),
          eb.and([
            eb('run_id', '=', after!.run_id),
            eb('direction', '=', after!.direction),
            eb('model_id', '>', after!.model_id),
          ]),
        ]),
      ),
    )
    .orderBy('run_id')
    .orderBy('direction')
    .orderBy('model_id')
    .limit(limit)
    .execute();
}

/** Whether a run–model link is stored. */
export async function runModelLinkStored(db: Executor, link: LinkKey): Promise<boolean> {
  const row = await db
    .selectFrom('run_model_links')
    .select('run_id')
    .where('run_id', '=', link.run_id)
    .where('direction', '=', link.direction)
    .where('model_id', '=', link.model_id)
    .executeTakeFirst();
  return row !== undefined;
}

/** The keys of the metrics a run has points of (in chunks or in rows not yet converted), in no particular order. */
export async function metricKeysOfRun(db: Executor, runId: string): Promise<string[]> {
  const [chunked, rows] = await Promise.all([
    db.selectFrom('metric_chunks').select('key').distinct().where('run_id', '=', runId).execute(),
    db.selectFrom('metrics').select('key').distinct().where('run_id', '=', runId).execute(),
  ]);
  return [...new Set([...chunked, ...rows].map((r) => r.key))];
}

/** The keys of the metrics a run has chart summaries of, in no particular order. */
export async function summarisedMetricKeysOfRun(db: Executor, runId: string): Promise<string[]> {
  const rows = await db.selectFrom('metric_blocks').select('key').distinct().where('run_id', '=', runId).execute();
  return rows.map((r) => r.key);
}
