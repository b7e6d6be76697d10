import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
/** The one place that may tell the databases apart by name. */
const DIALECT_DIR = join(SRC, 'store', 'dialect') + sep;
/**
 * Migrations keep their own per-database SQL: each must mean forever what it meant when written, so it cannot take
 * its statements from today's dialect.
 */
const MIGRATIONS_DIR = join(SRC, 'store', 'migrations') + sep;

/**
 * A branch on which database the code runs on: a comparison of `dialectOf(...)`, of anything named `dialect` or
 * ending in `.dialect`, or of a dialect's `name`, with a string. Code outside src/store/dialect/ asks the dialect
 * for what differs instead.
 */
const BRANCH =
  /\bdialect(?:Of\([^)]*\))?(?:\.name)?\s*[!=]==?|[!=]==?\s*\w*(?:\.)?dialect(?:Of\([^)]*\))?(?:\.name)?\b/i;

function branchesIn(source: string): string[] {
  return source
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => BRANCH.test(line))
    .map(({ line, number }) => `${number}: ${line}`);
}

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(directory, e.name)) : Promise.resolve([join(directory, e.name)]),
    ),
  );
  return nested.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

describe('database differences stay behind the dialect', () => {
  it('no code outside src/store/dialect/ branches on which database it talks to', async () => {
    const files = (await sourceFiles(SRC)).filter((f) => !f.startsWith(DIALECT_DIR) && !f.startsWith(MIGRATIONS_DIR));
    expect(files.map((f) => relative(SRC, f))).toContain(join('store', 'search', 'run-search-query.ts'));
    const found: string[] = [];
    for (const file of files) {
      for (const branch of branchesIn(await readFile(file, 'utf8'))) found.push(`${relative(SRC, file)}:${branch}`);
    }
    expect(found).toEqual([]);
  });

  it('would notice a branch of any of the usual forms', () => {
    const branches = [
      "if (dialectOf(db) === 'postgres') return insertMetricsPostgres(db);",
      "const sqlite = dialectOf(db) !== 'sqlite';",
      "if (dialectOf(trx).name === 'postgres') query = query.forUpdate();",
      "if (this.dialect === 'postgres') await lockAuditHead(db);",
      "return store.dialect == 'sqlite' ? a : b;",
      "if ('postgres' === dialect) return;",
    ];
    for (const line of branches) expect(branchesIn(line), line).toHaveLength(1);
    const fine = [
      'const head = await lockAuditHead(db);',
      "const query = dialectOf(db).forUpdate(db.selectFrom('audit_head'));",
      "if (location.kind === 'sqlite') return openSqlite(location.path);",
      'if (dialectOf(db).rowLocks) await lockAuditHead(db);',
    ];
    for (const line of fine) expect(branchesIn(line), line).toEqual([]);
  });
});
