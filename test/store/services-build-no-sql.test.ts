import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SERVICES = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/services');

/** The Kysely methods that start a statement: calling one means writing SQL, which belongs in src/store/. */
const STATEMENT_STARTERS = new Set([
  'selectFrom',
  'selectNoFrom',
  'insertInto',
  'replaceInto',
  'updateTable',
  'deleteFrom',
  'mergeInto',
]);

/**
 * Where a source file builds SQL itself: a value imported from kysely (`sql`, expression builders; types are fine,
 * as services pass a transaction along) or a call of a method that starts a statement.
 */
function sqlBuiltIn(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text === 'kysely'
    ) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const values = clause?.isTypeOnly
        ? []
        : [
            ...(clause?.name ? [clause.name.text] : []),
            ...(bindings && ts.isNamedImports(bindings)
              ? bindings.elements.filter((e) => !e.isTypeOnly).map((e) => e.name.text)
              : []),
            ...(bindings && ts.isNamespaceImport(bindings) ? [bindings.name.text] : []),
          ];
      if (!clause || values.length > 0) found.push(`${at(node)}: imports ${values.join(', ') || 'kysely'} from kysely`);
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      STATEMENT_STARTERS.has(node.expression.name.text)
    ) {
      found.push(`${at(node)}: calls ${node.expression.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(directory, e.name)) : Promise.resolve([join(directory, e.name)]),
    ),
  );
  return nested.flat().filter((f) => f.endsWith('.ts'));
}

describe('services reach the database only through src/store/', () => {
  it('no file under src/services/ builds SQL', async () => {
    const files = await sourceFiles(SERVICES);
    expect(files.map((f) => relative(SERVICES, f))).toContain('services.ts');
    const problems: string[] = [];
    for (const file of files) {
      for (const problem of sqlBuiltIn(file, await readFile(file, 'utf8'))) {
        problems.push(`${relative(SERVICES, file)}:${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('would notice SQL built in any of these forms', () => {
    const source = [
      "import { sql } from 'kysely';",
      "import { type Kysely, expressionBuilder } from 'kysely';",
      "import type { Transaction } from 'kysely';",
      "import * as k from 'kysely';",
      "await db.selectFrom('runs').selectAll().execute();",
      "await tx.insertInto('runs').values(row).execute();",
      "await scope.db.updateTable('runs').set({}).execute();",
      "await db.deleteFrom('runs').execute();",
      'const rows = await findRunRows(db, ids);',
    ].join('\n');
    expect(sqlBuiltIn('example.ts', source)).toEqual([
      '1: imports sql from kysely',
      '2: imports expressionBuilder from kysely',
      '4: imports k from kysely',
      '5: calls selectFrom',
      '6: calls insertInto',
      '7: calls updateTable',
      '8: calls deleteFrom',
    ]);
  });
});
