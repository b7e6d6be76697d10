import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeclaredVersions } from '../../src/store/repositories/dependencies/declared-dependency-repository.js';
import { openPlannedSqlite, type PlannedSqlite } from '../support/sqlite-plans.js';

/**
 * "Which versions depend on numpy?" (dependents, package impact, a package's node in the graph) must read the versions
 * that declare numpy, found through the index by package, not every version's document: on a registry of 10,000
 * versions of which ten declare the package, ten documents are read. SQLite's plans follow from the SQL and the schema
 * alone, so a small database shows what a large one would do.
 */
describe('the versions declaring a package, on SQLite', () => {
  let sqlite: PlannedSqlite;
  beforeAll(async () => {
    sqlite = await openPlannedSqlite('mnemo-dependents-plans-');
  });
  afterAll(() => sqlite.close());

  it.each([
    ['every stage', {}],
    ['one stage', { stage: 'Production' }],
    ['one alias', { alias: 'champion' }],
  ])('are found from the index by package, then looked up by key (%s)', async (_name, filter) => {
    sqlite.clear();
    await listDeclaredVersions(sqlite.db, { ...filter, declaring: { kind: 'pypi', name: 'numpy' } });
    expect(sqlite.issued).toHaveLength(1);
    const plan = sqlite.planOf(sqlite.issued[0]!);
    // The package's entries are read by kind and name; each declaring version's document and row by its key.
    expect(plan).toContainEqual(
      expect.stringMatching(
        /^SEARCH q USING COVERING INDEX model_version_requirements_by_name \(kind=\? AND name=\?\)$/,
      ),
    );
    expect(plan).toContainEqual(expect.stringMatching(/^SEARCH d USING .*\(model_id=\? AND version=\?\)$/));
    // No table is read whole.
    expect(plan.filter((step) => /^SCAN (d|v|q)\b/.test(step))).toEqual([]);
  });
});
