import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import { flagOf } from '../../../store/repositories/registry/revalidation-repository.js';
import type { ModelVersionRevalidationsTable } from '../../../store/schema-registry.js';
import type { RecordedRowKind } from './recorded-rows.js';

/**
 * A revalidation flag keeps a version out of protected stages: one cleared, or its cause rewritten, behind the
 * server's back must show. Every raise and clear records the whole flag.
 */
export const revalidationFlagKind: RecordedRowKind<ModelVersionRevalidationsTable> = {
  entityKind: 'revalidation_flag',
  noun: 'revalidation flag',
  ...keyedPages('model_version_revalidations'),
  entityId: (row) => row.flag_id,
  label: (row) => `revalidation flag ${row.flag_id} of model ${row.model_id} version ${row.version}`,
  current: (row) => {
    const { name: _name, ...flag } = flagOf(row, '');
    return flag;
  },
  // The model's name is its own row's (a rename changes it); the flag is filed under the model's id.
  checkedElsewhere: ['name'],
};
