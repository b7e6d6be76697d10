import type { Executor } from '../../../store/store.js';
import { latestEvents } from './latest-events.js';
import { isObject } from './recorded-state.js';

/** What garbage collection's purge of a model version says went with it. */
export interface VersionPurge {
  seq: number;
  declaredDependencies: boolean;
  revalidationFlags: ReadonlySet<string>;
}

/**
 * The purges among these model versions (`<model id>/<version>`): a purged version has no event after its purge, so
 * its latest event is the purge. Purges written before they named what went with them name nothing.
 */
export async function versionPurges(db: Executor, versionIds: readonly string[]): Promise<Map<string, VersionPurge>> {
  const purges = new Map<string, VersionPurge>();
  for (const [id, event] of await latestEvents(db, 'model_version', [...new Set(versionIds)])) {
    if (event.action !== 'model_version.purge') continue;
    const state = isObject(event.state) ? event.state : {};
    const flags = Array.isArray(state.revalidationFlags) ? state.revalidationFlags.map(String) : [];
    purges.set(id, {
      seq: event.seq,
      declaredDependencies: state.declaredDependencies === true,
      revalidationFlags: new Set(flags),
    });
  }
  return purges;
}
