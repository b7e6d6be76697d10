import { auditedRegistryRecord } from '../../../domain/encryption/sealed-registry-values.js';
import { describeDifferences, type ProblemLog } from '../../../domain/provenance/verification-report.js';
import { manifestDigest } from '../../../domain/registry/manifest.js';
import { presentKeys } from '../../../store/readers/keyed-table-pages.js';
import {
  modelNamesOf,
  modelVersionsAfter,
  versionRowsNumbered,
  versionTagRows,
} from '../../../store/readers/registry-reads.js';
import { manifestOf, toModelVersion } from '../../../store/repositories/registry/version-repository.js';
import type { ModelVersionsTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import { presentOrPurged, vanishedEntities } from './entity-events.js';
import { comparable } from './recorded-state.js';
import { versionExpectation } from './version-expectation.js';
import { versionEntityId } from './version-lifecycle.js';

const PAGE = 100;
/** Fields of a version that older servers did not record. */
const RECORDED_SINCE = ['sourceWithoutFiles', 'loggedModelId'];
/**
 * Checked elsewhere or on their own: the model's name with the model, aliases with the model's alias events, the
 * time against the latest event that set it, the storage path against the registering event.
 */
const SEPARATELY_CHECKED = ['name', 'aliases', 'lastUpdatedTime', 'storagePath'];

/**
 * Each model version row (deleted ones stay, so their numbers are never reused) must match its latest whole-version
 * event — stage, status, source, run, manifest digest, signature, metadata, tags — carry the time and deletion its
 * events recorded, still be read from the path it was registered from, and list files that hash to its manifest
 * digest. A version the log never mentions was inserted directly; one it registered must keep its row.
 */
export async function verifyModelVersions(db: Executor, problems: ProblemLog): Promise<number> {
  let checked = 0;
  let after = { modelId: '', version: 0 };
  for (;;) {
    const rows = await modelVersionsAfter(db, after, PAGE);
    if (rows.length === 0) break;
    const names = await modelNamesOf(db, [...new Set(rows.map((r) => r.model_id))]);
    for (const row of rows) {
      checked += 1;
      await verifyVersion(db, row, names.get(row.model_id) ?? '?', problems);
    }
    const last = rows.at(-1)!;
    after = { modelId: last.model_id, version: Number(last.version) };
  }
  const present = presentOrPurged(db, 'model_version', (ids) => presentOrModelGone(db, ids));
  for await (const gone of vanishedEntities(db, 'model_version', present)) {
    problems.add({
      seq: gone.seq,
      kind: 'entity-missing',
      message: `model version ${gone.entityId}, registered by event ${gone.seq}, was deleted from the database`,
    });
  }
  return checked;
}

async function verifyVersion(db: Executor, row: ModelVersionsTable, modelName: string, problems: ProblemLog) {
  const version = Number(row.version);
  const entityId = versionEntityId(row.model_id, version);
  const label = `model version '${modelName}' v${version} (${entityId})`;
  const changed = (seq: number | null, message: string) =>
    problems.add({ seq, kind: 'entity-changed', message: `${label}: ${message}` });
  const expected = await versionExpectation(db, entityId);
  if (expected.events === 0) {
    problems.add({
      seq: null,
      kind: 'entity-unrecorded',
      message: `${label} has no audit record: it was inserted directly`,
    });
    return;
  }
  if (expected.purged !== undefined) {
    changed(expected.purged, `was purged by event ${expected.purged} but its row is in the database`);
    return;
  }
  const snapshot = expected.snapshot;
  if (snapshot?.state) {
    let current: Record<string, unknown>;
    try {
      const tags = await versionTagRows(db, row.model_id, version);
      // The status column as stored: the API always reports READY, which would hide an edit.
      // Sensitive values are recorded as digests of their sealed form: compared in that form.
      current = { ...auditedRegistryRecord(toModelVersion(row, modelName, tags, [])), status: row.status };
    } catch (error) {
      changed(snapshot.seq, `its stored columns do not parse (${(error as Error).message})`);
      return;
    }
    // Events written before a field existed cannot vouch for it; the rest of their state still must match.
    const notYetRecorded = RECORDED_SINCE.filter((field) => !(field in snapshot.state!));
    const differences = describeDifferences(
      comparable(snapshot.state, SEPARATELY_CHECKED),
      comparable(current, [...SEPARATELY_CHECKED, ...notYetRecorded]),
    );
    if (differences.length > 0) changed(snapshot.seq, `changed after event ${snapshot.seq}: ${differences.join('; ')}`);
  }
  const touched = expected.touched;
  const lastUpdated = Number(row.last_updated_time);
  if (touched?.value !== undefined && touched.value !== lastUpdated) {
    changed(touched.seq, `lastUpdatedTime is ${lastUpdated} but event ${touched.seq} recorded ${touched.value}`);
  }
  const deletedTime = row.deleted_time === null ? null : Number(row.deleted_time);
  const deleted = expected.deleted;
  if (deleted && deletedTime === null) {
    changed(deleted.seq, `was deleted by event ${deleted.seq} but is live in the database`);
  } else if (deleted && deleted.value !== undefined && deleted.value !== deletedTime) {
    changed(deleted.seq, `deletedTime is ${deletedTime} but event ${deleted.seq} recorded ${deleted.value}`);
  } else if (!deleted && deletedTime !== null) {
    changed(snapshot?.seq ?? null, `is marked deleted (at ${deletedTime}) but no event deleted it`);
  }
  const created = expected.created;
  if (created?.value !== undefined && created.value !== row.storage_path) {
    changed(
      created.seq,
      `storage path is ${JSON.stringify(row.storage_path)} but event ${created.seq} registered it from ${JSON.stringify(created.value)}`,
    );
  }
  const recomputed = manifestDigestOf(row);
  if (recomputed !== row.manifest_digest) {
    changed(
      created?.seq ?? snapshot?.seq ?? null,
      `its stored file list ${recomputed === undefined ? 'does not parse' : 'no longer hashes to its manifest digest'}: the files it names were edited`,
    );
  }
}

function manifestDigestOf(row: ModelVersionsTable): string | undefined {
  try {
    return manifestDigest(manifestOf(row));
  } catch {
    return undefined;
  }
}

/**
 * A version is rightly gone when its model is: deleting a model deletes its versions, and a model row gone without
 * a deleting event is reported once, for the model.
 */
async function presentOrModelGone(db: Executor, ids: string[]): Promise<Set<string>> {
  const wanted = ids.map((id) => {
    const slash = id.lastIndexOf('/');
    return { id, modelId: id.slice(0, slash), version: Number(id.slice(slash + 1)) };
  });
  const modelIds = [...new Set(wanted.map((w) => w.modelId))];
  const numbers = [...new Set(wanted.map((w) => w.version).filter(Number.isSafeInteger))];
  const [liveModels, versions] = await Promise.all([
    presentKeys(db, 'registered_models', modelIds),
    versionRowsNumbered(db, modelIds, numbers),
  ]);
  const rows = new Set(versions.map((v) => versionEntityId(v.model_id, v.version)));
  return new Set(wanted.filter((w) => !liveModels.has(w.modelId) || rows.has(w.id)).map((w) => w.id));
}
