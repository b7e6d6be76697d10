import { sha256Hex } from '../../../domain/provenance/audit-event.js';
import { canonicalJson } from '../../../domain/provenance/canonical-json.js';
import { describeDifferences, type ProblemLog } from '../../../domain/provenance/verification-report.js';
import { presentKeys, rowsAfterKey } from '../../../store/readers/keyed-table-pages.js';
import { hydrateExperiments } from '../../../store/repositories/experiment-repository.js';
import type { Executor } from '../../../store/store.js';
import { presentOrPurged, vanishedEntities } from './entity-events.js';
import { latestEvents } from './latest-events.js';

/** Created by the schema migration rather than by a logged request. */
const DEFAULT_EXPERIMENT = '0';

/**
 * Experiment events record the whole experiment (with its tags), so each experiment as stored now must equal the
 * state of its latest event; an experiment the log never mentions was inserted behind the server's back.
 */
export async function verifyExperiments(db: Executor, problems: ProblemLog): Promise<number> {
  let checked = 0;
  let after = '';
  for (;;) {
    const rows = await rowsAfterKey(db, 'experiments', after, 200);
    if (rows.length === 0) break;
    const stored = new Map(rows.map((row) => [row.experiment_id, row]));
    const latestOf = await latestEvents(
      db,
      'experiment',
      rows.map((row) => row.experiment_id),
    );
    for (const experiment of await hydrateExperiments(db, rows)) {
      checked += 1;
      const latest = latestOf.get(experiment.experimentId);
      if (!latest) {
        if (experiment.experimentId !== DEFAULT_EXPERIMENT) {
          problems.add({
            seq: null,
            kind: 'entity-unrecorded',
            message: `experiment ${experiment.experimentId} ('${experiment.name}') has no audit record: it was inserted directly`,
          });
        }
        continue;
      }
      if (latest.action === 'experiment.purge') {
        problems.add({
          seq: latest.seq,
          kind: 'entity-changed',
          message: `experiment ${experiment.experimentId} was purged by event ${latest.seq} but its row is in the database`,
        });
        continue;
      }
      // Older servers recorded experiments created for OpenLineage job namespaces as their bare row.
      const current: Record<string, unknown> = recordedAsRow(latest.state)
        ? { ...stored.get(experiment.experimentId) }
        : (experiment as unknown as Record<string, unknown>);
      if (sha256Hex(canonicalJson(current)) === latest.stateDigest) continue;
      const differences =
        latest.state && typeof latest.state === 'object'
          ? describeDifferences(latest.state as Record<string, unknown>, current)
          : ['it differs from the digest the log recorded'];
      problems.add({
        seq: latest.seq,
        kind: 'entity-changed',
        message: `experiment ${experiment.experimentId} was changed after event ${latest.seq}: ${differences.join('; ')}`,
      });
    }
    after = rows.at(-1)!.experiment_id;
  }
  const present = presentOrPurged(db, 'experiment', (ids) => presentKeys(db, 'experiments', ids));
  for await (const gone of vanishedEntities(db, 'experiment', present)) {
    problems.add({
      seq: gone.seq,
      kind: 'entity-missing',
      message: `experiment ${gone.entityId}, created by event ${gone.seq}, was deleted from the database`,
    });
  }
  return checked;
}

const recordedAsRow = (state: unknown): boolean =>
  typeof state === 'object' && state !== null && 'experiment_id' in state;
