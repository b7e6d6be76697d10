import type { AuditActionRecording } from '../../../domain/provenance/audit-events/catalog.js';
import type { RegisteredModel } from '../../../domain/registry/entities.js';
import type { Executor } from '../../../store/store.js';
import { entityEvents } from './entity-events.js';
import { isObject, type Recorded, recordedTime } from './recorded-state.js';

/** Events whose state is the whole registered model (card, tags, aliases, metadata, times). */
const SNAPSHOT_ACTIONS = new Set<string>([
  'registered_model.create',
  'registered_model.update',
  'registered_model.rename',
  'registered_model.set_tags',
  'registered_model.delete_tag',
  'registered_model.reseal',
] satisfies AuditActionRecording<'registered_model', RegisteredModel>[]);

/** What a registered model's own events say it should look like now, rebuilt from them in order. */
export interface ModelExpectation {
  events: number;
  /** The latest whole-model state; `state` is undefined when the event's state was not kept. */
  snapshot?: { seq: number; state: Record<string, unknown> | undefined };
  /** The event that deleted the model, if one did. */
  deletedBy?: number;
  /** Alias → version as the model's events left them; undefined when an event in between kept no state. */
  aliases: Map<string, Recorded<string>> | undefined;
  /** The latest of the model's own events, with the last-updated time it recorded (if it recorded one). */
  touched?: Recorded<number | undefined>;
}

export async function modelExpectation(db: Executor, modelId: string): Promise<ModelExpectation> {
  const expected: ModelExpectation = { events: 0, aliases: new Map() };
  for await (const event of entityEvents(db, 'registered_model', modelId)) {
    expected.events += 1;
    const state = event.state;
    if (SNAPSHOT_ACTIONS.has(event.action)) {
      expected.snapshot = { seq: event.seq, state: isObject(state) ? state : undefined };
      expected.aliases = isObject(state) ? aliasesOf(state.aliases, event.seq, expected.aliases) : undefined;
      expected.touched = { seq: event.seq, value: recordedTime(state, 'lastUpdatedTime') };
    } else if (event.action === 'registered_model.set_alias' || event.action === 'registered_model.delete_alias') {
      expected.touched = { seq: event.seq, value: recordedTime(state, 'lastUpdatedTime') };
      if (!isObject(state) || typeof state.alias !== 'string') expected.aliases = undefined;
      else if (event.action === 'registered_model.delete_alias') expected.aliases?.delete(state.alias);
      else expected.aliases?.set(state.alias, { seq: event.seq, value: String(state.version) });
    } else if (event.action === 'registered_model.delete') {
      expected.deletedBy = event.seq;
    }
  }
  return expected;
}

/**
 * The aliases a whole-model state lists. One that still points where an earlier alias event set it keeps that event,
 * so a problem names the event that moved the alias rather than the latest card edit.
 */
function aliasesOf(
  recorded: unknown,
  seq: number,
  before: ReadonlyMap<string, Recorded<string>> | undefined,
): Map<string, Recorded<string>> | undefined {
  if (!Array.isArray(recorded)) return undefined;
  const aliases = new Map<string, Recorded<string>>();
  for (const entry of recorded as unknown[]) {
    if (!isObject(entry) || typeof entry.alias !== 'string') return undefined;
    const value = String(entry.version);
    const earlier = before?.get(entry.alias);
    aliases.set(entry.alias, { seq: earlier?.value === value ? earlier.seq : seq, value });
  }
  return aliases;
}
