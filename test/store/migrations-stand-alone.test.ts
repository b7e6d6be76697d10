import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/store/migrations');
const STORE_TYPES = resolve(MIGRATIONS, '../store.js');
const BUILTINS = new Set(builtinModules);

/**
 * Why an import lets a migration's meaning drift with today's code, or undefined when it does not. A migration may
 * use kysely, Node.js built-ins, its sibling migrations (the index lists them) and the dialect's name as a type;
 * repositories, services, domain code and today's schema types change, and an old migration must not change with them.
 */
function problemsOf(file: string, source: string): string[] {
  const problems: string[] = [];
  const forbid = (specifier: string, why: string) => problems.push(`'${specifier}' ${why}`);
  const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
  const typeOnlyDialect = new Set<string>();
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, false);
  for (const statement of parsed.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    const names = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : undefined;
    const onlyDialectType =
      clause !== undefined &&
      clause.name === undefined &&
      names?.elements.every((e) => e.name.text === 'DialectName' && (clause.isTypeOnly || e.isTypeOnly)) === true;
    if (onlyDialectType) typeOnlyDialect.add(statement.moduleSpecifier.text);
  }
  for (const specifier of specifiers) {
    if (specifier === 'kysely') continue;
    if (specifier.startsWith('node:') && BUILTINS.has(specifier.slice(5))) continue;
    if (!specifier.startsWith('.')) {
      forbid(specifier, 'is a package other than kysely');
      continue;
    }
    const target = resolve(dirname(file), specifier);
    if (dirname(target) === MIGRATIONS) continue;
    if (target === STORE_TYPES) {
      const allUsesTypeOnly = typeOnlyDialect.has(specifier) && countImports(source, specifier) === 1;
      if (!allUsesTypeOnly) forbid(specifier, 'may only be imported for `import type { DialectName }`');
      continue;
    }
    forbid(specifier, 'reaches outside the migrations (repositories, services, domain or schema code)');
  }
  return problems;
}

const countImports = (source: string, specifier: string) =>
  ts.preProcessFile(source, true, true).importedFiles.filter((f) => f.fileName === specifier).length;

async function migrationFiles(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(MIGRATIONS, e.name));
}

describe('migrations stand alone', () => {
  it('import nothing whose later change would change what an old migration does', async () => {
    const files = await migrationFiles();
    expect(files.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of files) {
      for (const problem of problemsOf(file, await readFile(file, 'utf8'))) {
        problems.push(`${file.slice(MIGRATIONS.length + 1)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('would notice each kind of forbidden import', () => {
    const file = join(MIGRATIONS, '0099-example.ts');
    const flagged = (line: string) => problemsOf(file, line).length > 0;
    expect(flagged("import { mergeMetricBlocks } from '../repositories/metric-block-repository.js';")).toBe(true);
    expect(flagged("import { summarize } from '../../domain/metrics/metric-blocks.js';")).toBe(true);
    expect(flagged("import type { Metric } from '../../domain/tracking/entities.js';")).toBe(true);
    expect(flagged("import { write } from '../../services/unit-of-work.js';")).toBe(true);
    expect(flagged("export * from '../repositories/run-repository.js';")).toBe(true);
    expect(flagged("const lazy = await import('../repositories/run-repository.js');")).toBe(true);
    expect(flagged("import type { Executor } from '../store.js';")).toBe(true);
    expect(flagged("import { type DialectName, type Executor } from '../store.js';")).toBe(true);
    expect(flagged("import type { AuditEventsTable } from '../schema.js';")).toBe(true);
    expect(flagged("import { Type } from '@sinclair/typebox';")).toBe(true);
    expect(flagged("import { type Kysely, sql } from 'kysely';")).toBe(false);
    expect(flagged("import { createHash } from 'node:crypto';")).toBe(false);
    expect(flagged("import type { DialectName } from '../store.js';")).toBe(false);
    expect(flagged("import { type DialectName } from '../store.js';")).toBe(false);
    expect(flagged("import * as tracking from './0001-tracking.js';")).toBe(false);
  });
});
