import { keyedPages, presentKeys } from '../../../store/readers/keyed-table-pages.js';
import { flagOf } from '../../../store/repositories/registry/revalidation-repository.js';
import type { ModelVersionRevalidationsTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import { latestEvents } from './latest-events.js';
import type { RecordedRowKind } from './recorded-rows.js';
import { isObject } from './recorded-state.js';
import { versionEntityId } from './version-lifecycle.js';
import { versionPurges } from './version-purges.js';

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
  present: presentOrPurgedWithVersion,
};

/**
 * Which of these flags still have a row, or went with their version when garbage collection purged it: the
 * version is the one the flag's last event recorded, and its purge names the flag and came after that event.
 */
async function presentOrPurgedWithVersion(db: Executor, ids: string[]): Promise<Set<string>> {
  const present = await presentKeys(db, 'model_version_revalidations', ids);
  const missing = ids.filter((id) => !present.has(id));
  if (missing.length === 0) return present;
  const versionOf = new Map<string, { version: string; seq: number }>();
  for (const [id, event] of await latestEvents(db, 'revalidation_flag', missing)) {
    const state = event.state;
    if (!isObject(state) || typeof state.modelId !== 'string' || typeof state.version !== 'number') continue;
    versionOf.set(id, { version: versionEntityId(state.modelId, state.version), seq: event.seq });
  }
  const purges = await versionPurges(
    db,
    [...versionOf.values()].map((v) => v.version),
  );
  for (const [id, flag] of versionOf) {
    const purge = purges.get(flag.version);
    if (purge?.revalidationFlags.has(id) && purge.seq > flag.seq) present.add(id);
  }
  return present;
}
