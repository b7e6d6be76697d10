import {
  loggedModelFileState,
  runModelLinkState,
} from '../../../domain/provenance/audit-events/logged-model-states.js';
import type { LoggedModel } from '../../../domain/tracking/logged-model.js';
import { hydrateLoggedModels } from '../../../store/repositories/logged-model-repository.js';
import type { LoggedModelFilesTable, RunModelLinksTable } from '../../../store/schema-logged-models.js';
import type { Executor } from '../../../store/store.js';
import { LOGGED_MODEL_FILE_DELETE, loggedModelFileEntityId } from '../../tracking/artifact-service.js';
import type { RecordedRowKind } from './recorded-rows.js';

/**
 * Every LoggedModel event records the whole model (status, tags, params, the metrics logged against it), so the
 * model as stored now must equal its latest event's state.
 */
export const loggedModelKind: RecordedRowKind<LoggedModel> = {
  entityKind: 'logged_model',
  noun: 'logged model',
  page: async (db, after, limit) =>
    hydrateLoggedModels(
      db,
      await db
        .selectFrom('logged_models')
        .selectAll()
        .where('model_id', '>', after?.modelId ?? '')
        .orderBy('model_id')
        .limit(limit)
        .execute(),
    ),
  entityId: (model) => model.modelId,
  label: (model) => `logged model ${model.modelId} ('${model.name}')`,
  current: (model) => ({ ...model }),
  present: async (db, ids) => idsIn(db, 'logged_models', ids),
};

/** A LoggedModel's file: its size and sha256 as recorded at upload; deleting it is recorded too. */
export const loggedModelFileKind: RecordedRowKind<LoggedModelFilesTable> = {
  entityKind: 'logged_model_file',
  noun: 'logged model file',
  page: (db, after, limit) =>
    db
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
      .execute(),
  entityId: (row) => loggedModelFileEntityId(row.model_id, row.path),
  label: (row) => `file '${row.path}' of logged model ${row.model_id}`,
  current: (row) => loggedModelFileState(row),
  deleteAction: LOGGED_MODEL_FILE_DELETE,
  present: async (db, ids) => {
    const present = new Set<string>();
    for (const id of ids) {
      const slash = id.indexOf('/');
      const row = await db
        .selectFrom('logged_model_files')
        .select('model_id')
        .where('model_id', '=', id.slice(0, slash))
        .where('path', '=', id.slice(slash + 1))
        .executeTakeFirst();
      if (row) present.add(id);
    }
    return present;
  },
};

const linkId = (row: Pick<RunModelLinksTable, 'run_id' | 'direction' | 'model_id'>) =>
  `${row.run_id}/${row.direction}/${row.model_id}`;

/** A run's link to a model it produced or used is only ever created; its event records the whole row. */
export const runModelLinkKind: RecordedRowKind<RunModelLinksTable> = {
  entityKind: 'run_model_link',
  noun: 'run–model link',
  page: (db, after, limit) =>
    db
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
      .execute(),
  entityId: linkId,
  label: (row) => `run ${row.run_id} ${row.direction === 'output' ? 'produced' : 'used'} logged model ${row.model_id}`,
  current: (row) => runModelLinkState(row),
  present: async (db, ids) => {
    const present = new Set<string>();
    for (const id of ids) {
      const [runId, direction, modelId] = id.split('/');
      const row = await db
        .selectFrom('run_model_links')
        .select('run_id')
        .where('run_id', '=', runId!)
        .where('direction', '=', direction as 'output' | 'input')
        .where('model_id', '=', modelId!)
        .executeTakeFirst();
      if (row) present.add(id);
    }
    return present;
  },
};

async function idsIn(db: Executor, table: 'logged_models', ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom(table).select('model_id').where('model_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.model_id));
}
