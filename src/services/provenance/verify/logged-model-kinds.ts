import {
  loggedModelFileState,
  runModelLinkState,
} from '../../../domain/provenance/audit-events/logged-model-states.js';
import type { LoggedModel } from '../../../domain/tracking/logged-model.js';
import { presentKeys, rowsAfterKey } from '../../../store/readers/keyed-table-pages.js';
import {
  loggedModelFileStored,
  loggedModelFilesAfter,
  runModelLinkStored,
  runModelLinksAfter,
} from '../../../store/readers/tracking-reads.js';
import { hydrateLoggedModels } from '../../../store/repositories/logged-model-repository.js';
import type { LoggedModelFilesTable, RunModelLinksTable } from '../../../store/schema-logged-models.js';
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
    hydrateLoggedModels(db, await rowsAfterKey(db, 'logged_models', after?.modelId ?? '', limit)),
  entityId: (model) => model.modelId,
  label: (model) => `logged model ${model.modelId} ('${model.name}')`,
  current: (model) => ({ ...model }),
  present: (db, ids) => presentKeys(db, 'logged_models', ids),
};

/** A LoggedModel's file: its size and sha256 as recorded at upload; deleting it is recorded too. */
export const loggedModelFileKind: RecordedRowKind<LoggedModelFilesTable> = {
  entityKind: 'logged_model_file',
  noun: 'logged model file',
  page: loggedModelFilesAfter,
  entityId: (row) => loggedModelFileEntityId(row.model_id, row.path),
  label: (row) => `file '${row.path}' of logged model ${row.model_id}`,
  current: (row) => loggedModelFileState(row),
  deleteAction: LOGGED_MODEL_FILE_DELETE,
  present: async (db, ids) => {
    const present = new Set<string>();
    for (const id of ids) {
      const slash = id.indexOf('/');
      if (await loggedModelFileStored(db, id.slice(0, slash), id.slice(slash + 1))) present.add(id);
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
  page: runModelLinksAfter,
  entityId: linkId,
  label: (row) => `run ${row.run_id} ${row.direction === 'output' ? 'produced' : 'used'} logged model ${row.model_id}`,
  current: (row) => runModelLinkState(row),
  present: async (db, ids) => {
    const present = new Set<string>();
    for (const id of ids) {
      const [runId, direction, modelId] = id.split('/');
      const link = { run_id: runId!, direction: direction as 'output' | 'input', model_id: modelId! };
      if (await runModelLinkStored(db, link)) present.add(id);
    }
    return present;
  },
};
