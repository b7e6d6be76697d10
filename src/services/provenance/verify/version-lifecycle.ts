import type { AuditActionOf } from '../../../domain/provenance/audit-events/catalog.js';
import { eventsWithAction, firstActionAfter, latestEventAmong } from '../../../store/readers/audit-event-reads.js';
import type { Executor } from '../../../store/store.js';
import { type Recorded, recordedTime } from './recorded-state.js';

/** Version events that also set their model's last-updated time. */
const TOUCHING_ACTIONS: AuditActionOf<'model_version'>[] = [
  'model_version.create',
  'model_version.transition_stage',
  'model_version.delete',
];
/** Version ids asked about per query. */
const CHUNK = 500;

export interface VersionLifecycle {
  /** The latest version event that set the model's last-updated time, with that time if it recorded one. */
  touched?: Recorded<number | undefined>;
  /** The highest version number the log registered for the model. */
  highestCreated?: Recorded<number>;
}

export const versionEntityId = (modelId: string, version: number): string => `${modelId}/${version}`;

/**
 * What the events of a model's versions 1..upTo say about the model itself. Version numbers are never reused, so
 * these are all the versions the model ever had; they are asked about a chunk at a time by exact entity id (a prefix
 * match could not use the index under every PostgreSQL collation).
 */
export async function versionLifecycle(db: Executor, modelId: string, upTo: number): Promise<VersionLifecycle> {
  const result: VersionLifecycle = {};
  for (let first = 1; first <= upTo; first += CHUNK) {
    const ids: string[] = [];
    for (let version = first; version <= Math.min(upTo, first + CHUNK - 1); version++) {
      ids.push(versionEntityId(modelId, version));
    }
    const latest = await latestEventAmong(db, 'model_version', ids, TOUCHING_ACTIONS);
    if (latest && (result.touched === undefined || latest.seq > result.touched.seq)) {
      const state = parse(latest.state);
      const field = latest.action === 'model_version.delete' ? 'deletedTime' : 'lastUpdatedTime';
      result.touched = { seq: latest.seq, value: recordedTime(state, field) };
    }
    const created = await eventsWithAction(db, 'model_version', ids, 'model_version.create');
    for (const row of created) {
      const version = Number(row.entity_id.slice(modelId.length + 1));
      if (result.highestCreated === undefined || version > result.highestCreated.value) {
        result.highestCreated = { seq: row.seq, value: version };
      }
    }
  }
  return result;
}

/** The event that deleted a version after a given event, if one did. */
export async function versionDeletedAfter(
  db: Executor,
  modelId: string,
  version: number,
  seq: number,
): Promise<number | undefined> {
  return firstActionAfter(db, 'model_version', versionEntityId(modelId, version), 'model_version.delete', seq);
}

function parse(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
