import { auditedRegistryRecord } from '../../../domain/encryption/sealed-registry-values.js';
import { describeDifferences, type ProblemLog } from '../../../domain/provenance/verification-report.js';
import type { RegisteredModel } from '../../../domain/registry/entities.js';
import { eventsWithAction } from '../../../store/readers/audit-event-reads.js';
import { presentKeys, rowsAfterKey } from '../../../store/readers/keyed-table-pages.js';
import { highestVersionRows } from '../../../store/readers/registry-reads.js';
import { hydrateModels } from '../../../store/repositories/registry/model-repository.js';
import type { RegisteredModelsTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import { aliasProblems } from './alias-check.js';
import { vanishedEntities } from './entity-events.js';
import { modelExpectation } from './model-expectation.js';
import { comparable } from './recorded-state.js';
import { versionLifecycle } from './version-lifecycle.js';

const PAGE = 200;
/** Checked on their own: aliases against alias events, the time against every event that set it. */
const SEPARATELY_CHECKED = ['aliases', 'lastUpdatedTime'];

/**
 * Each registered model as stored must match its latest whole-model event (card, tags, metadata, name), carry the
 * last-updated time of the latest event that touched it (its own, its aliases', its versions'), count its versions
 * up to the highest one the log registered, and hold exactly the aliases the log left. A model the log never
 * mentions was inserted directly; one the log created and never deleted must still be there.
 */
export async function verifyModels(db: Executor, problems: ProblemLog): Promise<number> {
  let checked = 0;
  let after = '';
  for (;;) {
    const rows = await rowsAfterKey(db, 'registered_models', after, PAGE);
    if (rows.length === 0) break;
    // The highest version row of each model, so a lowered last_version cannot hide versions from the check.
    const highest = await highestVersionRows(
      db,
      rows.map((r) => r.model_id),
    );
    for (const { row, model } of await hydrateEach(db, rows, problems)) {
      checked += 1;
      if (model) await verifyModel(db, row, model, highest.get(row.model_id) ?? 0, problems);
    }
    after = rows.at(-1)!.model_id;
  }
  for await (const gone of vanishedEntities(db, 'registered_model', (ids) => presentOrDeleted(db, ids))) {
    problems.add({
      seq: gone.seq,
      kind: 'entity-missing',
      message: `registered model ${gone.entityId}, created by event ${gone.seq}, was deleted from the database with its versions`,
    });
  }
  return checked;
}

async function verifyModel(
  db: Executor,
  row: RegisteredModelsTable,
  model: RegisteredModel,
  highestVersionRow: number,
  problems: ProblemLog,
): Promise<void> {
  const label = `registered model '${row.name}' (${row.model_id})`;
  const changed = (seq: number | null, message: string) =>
    problems.add({ seq, kind: seq === null ? 'entity-unrecorded' : 'entity-changed', message: `${label}: ${message}` });
  const expected = await modelExpectation(db, row.model_id);
  if (expected.events === 0) {
    problems.add({
      seq: null,
      kind: 'entity-unrecorded',
      message: `${label} has no audit record: it was inserted directly`,
    });
    return;
  }
  if (expected.deletedBy !== undefined) {
    changed(expected.deletedBy, `was deleted by event ${expected.deletedBy} but its row is in the database`);
    return;
  }
  const snapshot = expected.snapshot;
  if (snapshot?.state) {
    const differences = describeDifferences(
      comparable(snapshot.state, SEPARATELY_CHECKED),
      // Sensitive values are recorded as digests of their sealed form: compared in that form.
      comparable(auditedRegistryRecord(model), SEPARATELY_CHECKED),
    );
    if (differences.length > 0) changed(snapshot.seq, `changed after event ${snapshot.seq}: ${differences.join('; ')}`);
  }
  const versions = await versionLifecycle(db, row.model_id, Math.max(Number(row.last_version), highestVersionRow));
  const touched =
    versions.touched && (!expected.touched || versions.touched.seq > expected.touched.seq)
      ? versions.touched
      : expected.touched;
  if (touched?.value !== undefined && touched.value !== model.lastUpdatedTime) {
    changed(
      touched.seq,
      `lastUpdatedTime is ${model.lastUpdatedTime} but event ${touched.seq} recorded ${touched.value}`,
    );
  }
  const lastVersion = Number(row.last_version);
  const created = versions.highestCreated;
  if (lastVersion !== (created?.value ?? 0)) {
    const seq = created?.seq ?? snapshot?.seq ?? null;
    changed(
      seq,
      created
        ? `last_version is ${lastVersion} but the log registered versions up to ${created.value} (event ${created.seq}): version numbers would be ${lastVersion < created.value ? 'reused' : 'skipped'}`
        : `last_version is ${lastVersion} but the log registered no versions`,
    );
  }
  if (expected.aliases) {
    for (const d of await aliasProblems(db, row.model_id, expected.aliases)) changed(d.seq, d.message);
  }
}

/** Models of a page as entities; a row whose JSON columns no longer parse is reported instead. */
async function hydrateEach(
  db: Executor,
  rows: RegisteredModelsTable[],
  problems: ProblemLog,
): Promise<{ row: RegisteredModelsTable; model: RegisteredModel | undefined }[]> {
  try {
    const models = await hydrateModels(db, rows);
    return rows.map((row, i) => ({ row, model: models[i] }));
  } catch {
    const out: { row: RegisteredModelsTable; model: RegisteredModel | undefined }[] = [];
    for (const row of rows) {
      try {
        out.push({ row, model: (await hydrateModels(db, [row]))[0] });
      } catch (error) {
        problems.add({
          seq: null,
          kind: 'entity-changed',
          message: `registered model '${row.name}' (${row.model_id}) was edited: its stored columns do not parse (${(error as Error).message})`,
        });
        out.push({ row, model: undefined });
      }
    }
    return out;
  }
}

/** A model the log deleted is rightly gone; any other the log speaks of must have its row. */
async function presentOrDeleted(db: Executor, ids: string[]): Promise<Set<string>> {
  const [present, deleted] = await Promise.all([
    presentKeys(db, 'registered_models', ids),
    eventsWithAction(db, 'registered_model', ids, 'registered_model.delete'),
  ]);
  return new Set([...present, ...deleted.map((r) => r.entity_id)]);
}
