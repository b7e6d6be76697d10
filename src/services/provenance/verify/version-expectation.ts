import type { AuditActionOf } from '../../../domain/provenance/audit-events/catalog.js';
import type { Executor } from '../../../store/store.js';
import { entityEvents } from './entity-events.js';
import { isObject, type Recorded, recordedTime } from './recorded-state.js';

/** Events whose state is the whole model version (the stage, source, run, manifest digest, signature, metadata…). */
const SNAPSHOT_ACTIONS = new Set<string>([
  'model_version.create',
  'model_version.update',
  'model_version.set_tags',
  'model_version.delete_tag',
  'model_version.reseal',
  'model_version.transition_stage',
] satisfies AuditActionOf<'model_version'>[]);

/** What a model version's events say it should look like now, rebuilt from them in order. */
export interface VersionExpectation {
  events: number;
  /** The latest whole-version state; `state` is undefined when the event's state was not kept. */
  snapshot?: { seq: number; state: Record<string, unknown> | undefined };
  /** The registering event, with the storage path it recorded (files are served from there; it never changes). */
  created?: Recorded<string | undefined>;
  /** The event that deleted the version, with the deletion time it recorded. */
  deleted?: Recorded<number | undefined>;
  /** The event that purged the version (garbage collection removed its row), if one did. */
  purged?: number;
  /** The latest event that set the version's last-updated time, with that time if it recorded one. */
  touched?: Recorded<number | undefined>;
}

export async function versionExpectation(db: Executor, entityId: string): Promise<VersionExpectation> {
  const expected: VersionExpectation = { events: 0 };
  for await (const event of entityEvents(db, 'model_version', entityId)) {
    expected.events += 1;
    const state = event.state;
    if (SNAPSHOT_ACTIONS.has(event.action)) {
      expected.snapshot = { seq: event.seq, state: isObject(state) ? state : undefined };
      expected.touched = { seq: event.seq, value: recordedTime(state, 'lastUpdatedTime') };
      if (event.action === 'model_version.create') {
        const path = isObject(state) && typeof state.storagePath === 'string' ? state.storagePath : undefined;
        expected.created = { seq: event.seq, value: path };
      }
    } else if (event.action === 'model_version.delete') {
      expected.deleted = { seq: event.seq, value: recordedTime(state, 'deletedTime') };
      expected.touched = { seq: event.seq, value: recordedTime(state, 'deletedTime') };
    }
    if (event.action === 'model_version.purge') expected.purged = event.seq;
    // Evaluation and check results are rows of their own; they leave the version row as it was.
  }
  return expected;
}
