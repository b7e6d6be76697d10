import type { DeclaredDependencies } from '../../../domain/dependencies/declared-dependency.js';
import type { DeclaredDependenciesState } from '../../../domain/provenance/audit-events/dependency-states.js';
import {
  type DeclaredRow,
  declaredAfter,
  declaredPresent,
  LOWEST_VERSION,
} from '../../../store/readers/dependency-reads.js';
import type { Executor } from '../../../store/store.js';
import { latestEvents } from './latest-events.js';
import type { RecordedRowKind } from './recorded-rows.js';
import { versionEntityId } from './version-lifecycle.js';
import { versionPurges } from './version-purges.js';

const FIRST = { modelId: '', version: LOWEST_VERSION };

/**
 * What a model version declares it needs decides whether it may run on a target: a declaration edited, inserted or
 * removed behind the server's back must show. Every declaration records the whole document but for the time it
 * is filed under, keyed by the version (`<model id>/<version>`).
 */
export const declaredDependenciesKind: RecordedRowKind<DeclaredRow> = {
  entityKind: 'model_version_dependencies',
  noun: 'dependency declaration of model version',
  page: (db, after, limit) =>
    declaredAfter(db, after ? { modelId: after.model_id, version: Number(after.version) } : FIRST, limit),
  entityId: (row) => versionEntityId(row.model_id, Number(row.version)),
  label: (row) =>
    `dependencies declared for model '${row.model_name ?? '?'}' version ${Number(row.version)} ` +
    `(${versionEntityId(row.model_id, Number(row.version))})`,
  current: (row) => {
    const document = JSON.parse(row.document) as Required<DeclaredDependencies>;
    const state: DeclaredDependenciesState = {
      modelId: row.model_id,
      version: Number(row.version),
      origin: row.origin as DeclaredDependenciesState['origin'],
      dependencies: document.dependencies,
      allowPrereleases: document.allowPrereleases,
      skipped: document.skipped,
      notApplied: document.notApplied ?? [],
      updatedTime: Number(row.updated_time),
    };
    return state;
  },
  recordedSince: ['skipped', 'notApplied'],
  present: presentOrPurgedWithVersion,
};

/**
 * Which of these declarations still have a row, or went with their version when garbage collection purged it:
 * the purge names them, and came after the declaration's last event.
 */
async function presentOrPurgedWithVersion(db: Executor, ids: string[]): Promise<Set<string>> {
  const wanted = ids.map((id) => {
    const slash = id.lastIndexOf('/');
    return { modelId: id.slice(0, slash), version: Number(id.slice(slash + 1)) };
  });
  const rows = await declaredPresent(
    db,
    wanted.filter((w) => Number.isSafeInteger(w.version)),
  );
  const present = new Set(rows.map((row) => versionEntityId(row.model_id, Number(row.version))));
  const missing = ids.filter((id) => !present.has(id));
  if (missing.length === 0) return present;
  const [purges, latest] = await Promise.all([
    versionPurges(db, missing),
    latestEvents(db, 'model_version_dependencies', missing),
  ]);
  for (const id of missing) {
    const purge = purges.get(id);
    if (purge?.declaredDependencies && purge.seq > (latest.get(id)?.seq ?? 0)) present.add(id);
  }
  return present;
}
