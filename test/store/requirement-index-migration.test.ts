import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import type { DeclaredDependency } from '../../src/domain/dependencies/declared-dependency.js';
import { indexedRequirements } from '../../src/domain/dependencies/indexed-requirement.js';
import { openPostgres } from '../../src/store/dialect/postgres.js';
import { openSqlite } from '../../src/store/dialect/sqlite.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';

const source = { file: 'requirements.txt', line: 1, column: 1 } as const;

/** Declarations as a store before 0051 held them: packages, runtimes, a marker, an image and a dataset's columns. */
function declarationsOf(i: number): DeclaredDependency[] {
  return [
    { kind: 'pypi', name: 'numpy', specifier: i % 2 === 0 ? '<2' : '>=1.22', source },
    { kind: 'dataset', name: 'customers', specifier: '', columns: ['age'], source },
    { kind: 'runtime', name: 'python', specifier: '>=3.10', source },
    { kind: 'image', name: 'container', specifier: `sha256:${'a'.repeat(64)}`, source },
    { kind: 'pypi', name: 'pywin32', specifier: '>=306', marker: 'sys_platform == "win32"', source },
    { kind: 'npm', name: '@scope/pkg', specifier: '^1.2.3', source },
  ];
}

describe.each(backends)('indexing stored declarations by package (migration 0051) on $name', (backend) => {
  it('gives every existing declaration document the index rows a write would have made', async () => {
    const created = await backend.create();
    try {
      const location = parseBackendUri(created.uri);
      const old = location.kind === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString);
      const migrator = new Migrator({ db: old.db, provider: migrationProvider(old.dialect) });
      expect((await migrator.migrateTo('0049-saved-search-marks')).error).toBeUndefined();
      // More documents than one backfill page, over several models, so paging past a model boundary is exercised.
      const documents = Array.from({ length: 1_203 }, (_, i) => ({
        model_id: `model-${Math.floor(i / 10)}`,
        version: (i % 10) + 1,
        document: JSON.stringify({ dependencies: declarationsOf(i), skipped: [], allowPrereleases: false }),
        origin: 'files',
        updated_time: 1,
      }));
      for (let i = 0; i < documents.length; i += 200) {
        await old.db
          .insertInto('model_version_dependencies')
          .values(documents.slice(i, i + 200))
          .execute();
      }
      await old.close();

      const store = await openStore(created.uri);
      try {
        const rows = await store.db
          .selectFrom('model_version_requirements')
          .selectAll()
          .orderBy('model_id')
          .orderBy('version')
          .orderBy('position')
          .execute();
        const expected = documents
          .flatMap((d, i) =>
            indexedRequirements(declarationsOf(i)).map((r) => ({ model_id: d.model_id, version: d.version, ...r })),
          )
          .sort((a, b) =>
            a.model_id === b.model_id
              ? a.version - b.version || a.position - b.position
              : a.model_id < b.model_id
                ? -1
                : 1,
          );
        expect(expected.length).toBe(documents.length * 4);
        expect(rows.map((r) => ({ ...r, version: Number(r.version), position: Number(r.position) }))).toEqual(expected);
      } finally {
        await store.close();
      }
    } finally {
      await created.drop();
    }
  });
});
