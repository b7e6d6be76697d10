import { describeMapDifferences } from '../../../domain/provenance/verification-report.js';
import { aliasesOf } from '../../../store/readers/registry-reads.js';
import type { Executor } from '../../../store/store.js';
import type { Recorded } from './recorded-state.js';
import { versionDeletedAfter } from './version-lifecycle.js';

/**
 * A model's aliases as stored must be the ones its events left, each on the version it was set to. Deleting a version
 * drops its aliases without a model event, so an alias whose version a later event deleted is expected gone. Returns
 * the differences, each with the event that recorded the alias (null for one the log never recorded).
 */
export async function aliasProblems(
  db: Executor,
  modelId: string,
  recorded: ReadonlyMap<string, Recorded<string>>,
): Promise<{ seq: number | null; message: string }[]> {
  const expected = new Map<string, { value: string; seq: number }>();
  for (const [alias, { seq, value }] of recorded) {
    if ((await versionDeletedAfter(db, modelId, Number(value), seq)) === undefined) expected.set(alias, { value, seq });
  }
  const rows = await aliasesOf(db, modelId);
  const current = new Map(rows.map((r) => [r.alias, String(r.version)]));
  return describeMapDifferences('alias', expected, current);
}
