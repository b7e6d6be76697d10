import type { DeclaredDependency } from '../../../domain/dependencies/declared-dependency.js';
import { type IndexedRequirement, indexedRequirements } from '../../../domain/dependencies/indexed-requirement.js';
import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import {
  declaredAfter,
  indexedRequirementsOf,
  indexedWithoutDeclaration,
  LOWEST_VERSION,
} from '../../../store/readers/dependency-reads.js';
import type { ModelVersionRequirementsTable } from '../../../store/schema-dependencies.js';
import type { Executor } from '../../../store/store.js';
import { versionEntityId } from './version-lifecycle.js';

const PAGE = 500;
/** Versions with index rows but no declaration named at most: past that, the problem log is full anyway. */
const ORPHANS_NAMED = 200;

/**
 * What-if answers read the index by package, not the declaration documents: an index row edited, inserted or deleted
 * behind the server's back would make an upgrade look safe for a model it breaks. Each version's index is rebuilt from
 * its declaration document (as every write derives it) and compared with the stored rows, and rows of a version that
 * declares nothing are reported.
 */
export async function verifyRequirementIndex(db: Executor, problems: ProblemLog): Promise<void> {
  let after = { modelId: '', version: LOWEST_VERSION };
  for (;;) {
    const page = await declaredAfter(db, after, PAGE);
    if (page.length === 0) break;
    const stored = new Map<string, ModelVersionRequirementsTable[]>();
    const versions = page.map((row) => ({ modelId: row.model_id, version: Number(row.version) }));
    for (const row of await indexedRequirementsOf(db, versions)) {
      const id = versionEntityId(row.model_id, Number(row.version));
      const rows = stored.get(id);
      if (rows) rows.push(row);
      else stored.set(id, [row]);
    }
    for (const row of page) {
      const id = versionEntityId(row.model_id, Number(row.version));
      const { dependencies } = JSON.parse(row.document) as { dependencies: DeclaredDependency[] };
      const differences = indexDifferences(indexedRequirements(dependencies), stored.get(id) ?? []);
      if (differences.length > 0) {
        problems.add({
          seq: null,
          kind: 'entity-changed',
          message:
            `the index by package of model '${row.model_name ?? '?'}' version ${Number(row.version)} (${id}) does ` +
            `not match its declarations: ${differences.join('; ')}`,
        });
      }
    }
    const last = page.at(-1)!;
    after = { modelId: last.model_id, version: Number(last.version) };
  }
  for (const row of await indexedWithoutDeclaration(db, ORPHANS_NAMED)) {
    const id = versionEntityId(row.model_id, Number(row.version));
    problems.add({
      seq: null,
      kind: 'entity-unrecorded',
      message:
        `model '${row.model_name ?? '?'}' version ${Number(row.version)} (${id}) has rows in the index by package ` +
        'but declares nothing: they were inserted directly',
    });
  }
}

const describe = (r: { kind: string; name: string; specifier: string; marker: string | null }) =>
  `${r.kind} ${r.name} '${r.specifier}'${r.marker ? ` when ${r.marker}` : ''}`;

/** What differs between the rows the declarations give and the stored ones, position by position. */
function indexDifferences(expected: readonly IndexedRequirement[], stored: readonly ModelVersionRequirementsTable[]) {
  const byPosition = new Map(stored.map((row) => [Number(row.position), row]));
  const differences: string[] = [];
  for (const want of expected) {
    const have = byPosition.get(want.position);
    byPosition.delete(want.position);
    if (!have) differences.push(`declaration ${want.position + 1} (${describe(want)}) is missing from it`);
    else if (describe(have) !== describe(want)) {
      differences.push(
        `declaration ${want.position + 1} is ${describe(have)} in it, ${describe(want)} in the document`,
      );
    }
  }
  for (const [position, extra] of byPosition) {
    differences.push(`it holds ${describe(extra)} at declaration ${position + 1}, which the document does not`);
  }
  return differences;
}
