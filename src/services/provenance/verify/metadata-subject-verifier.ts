import { parseRecordedState } from '../../../domain/provenance/run-expectations.js';
import { describeDifferences, type ProblemLog } from '../../../domain/provenance/verification-report.js';
import { latestEventAmong } from '../../../store/readers/audit-event-reads.js';
import { presentKeys, rowsAfterKey } from '../../../store/readers/keyed-table-pages.js';
import { highestSchemaVersion } from '../../../store/readers/registry-reads.js';
import type { MetadataSubjectsTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import { vanishedEntities } from './entity-events.js';
import { schemaEntityId } from './governance-kinds.js';
import { latestEvents } from './latest-events.js';
import { comparable, isObject, type Recorded } from './recorded-state.js';

const PAGE = 200;
/** Schema versions asked about per query. */
const CHUNK = 500;

/**
 * A metadata subject (its compatibility mode, latest version and times) is recorded whole by every subject event:
 * setting its mode, and each registration that changes it. Registrations by older servers recorded only the schema
 * version, so where one of those is the subject's latest change, only what it implies — the latest version — is
 * compared. A subject no event recorded was inserted directly.
 */
export async function verifyMetadataSubjects(db: Executor, problems: ProblemLog): Promise<number> {
  let checked = 0;
  let after = '';
  for (;;) {
    const rows = await rowsAfterKey(db, 'metadata_subjects', after, PAGE);
    if (rows.length === 0) break;
    const snapshots = await latestEvents(
      db,
      'metadata_subject',
      rows.map((r) => r.subject),
    );
    for (const row of rows) {
      checked += 1;
      const snapshot = snapshots.get(row.subject);
      const registered = await latestRegistration(db, row);
      const label = `metadata subject '${row.subject}'`;
      if (!snapshot && !registered) {
        problems.add({
          seq: null,
          kind: 'entity-unrecorded',
          message: `${label} has no audit record: it was inserted directly`,
        });
        continue;
      }
      const current = toSubject(row);
      const changed = (seq: number, differences: string[]) => {
        if (differences.length === 0) return;
        problems.add({
          seq,
          kind: 'entity-changed',
          message: `${label} was changed after event ${seq}: ${differences.join('; ')}`,
        });
      };
      if (snapshot && (!registered || snapshot.seq > registered.seq)) {
        if (isObject(snapshot.state)) {
          changed(snapshot.seq, describeDifferences(comparable(snapshot.state, []), comparable(current, [])));
        }
      } else if (registered) {
        changed(
          registered.seq,
          describeDifferences({ latestVersion: registered.value }, { latestVersion: current.latestVersion }),
        );
      }
    }
    after = rows.at(-1)!.subject;
  }
  const present = (ids: string[]) => presentKeys(db, 'metadata_subjects', ids);
  for await (const gone of vanishedEntities(db, 'metadata_subject', present)) {
    problems.add({
      seq: gone.seq,
      kind: 'entity-missing',
      message: `metadata subject ${gone.entityId}, created by event ${gone.seq}, was deleted from the database`,
    });
  }
  return checked;
}

const toSubject = (row: MetadataSubjectsTable) => ({
  subject: row.subject,
  compatibility: row.compatibility,
  latestVersion: Number(row.last_version),
  creationTime: Number(row.creation_time),
  lastUpdatedTime: Number(row.last_updated_time),
});

/**
 * The latest registration of a version of the subject, with the version it registered. Versions are numbered from
 * 1 and never reused, so versions 1 up to the higher of the subject's counter and its highest stored version are all
 * it ever had; they are asked about by exact entity id, a chunk at a time.
 */
async function latestRegistration(db: Executor, row: MetadataSubjectsTable): Promise<Recorded<number> | undefined> {
  const upTo = Math.max(Number(row.last_version), await highestSchemaVersion(db, row.subject));
  let latest: Recorded<number> | undefined;
  for (let first = 1; first <= upTo; first += CHUNK) {
    const ids: string[] = [];
    for (let version = first; version <= Math.min(upTo, first + CHUNK - 1); version++) {
      ids.push(schemaEntityId(row.subject, version));
    }
    const event = await latestEventAmong(db, 'metadata_schema', ids);
    if (event && (latest === undefined || event.seq > latest.seq)) {
      const state = parseRecordedState(event.state);
      const version = isObject(state) && typeof state.version === 'number' ? state.version : versionOf(event.entity_id);
      latest = { seq: Number(event.seq), value: version };
    }
  }
  return latest;
}

const versionOf = (entityId: string): number => Number(entityId.slice(entityId.lastIndexOf('/') + 1));
