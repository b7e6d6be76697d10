import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** What a unit test must not reach, even through other modules: servers, databases, browsers, child processes. */
const SLOW_PACKAGES = new Set(['pg', 'playwright-core', 's3rver', 'fastify', 'node:child_process', 'child_process']);
const SLOW_FILES = [
  'test/support/backends.ts',
  'test/support/test-server.ts',
  'test/support/cli-server.ts',
  'test/support/sqlite-plans.ts',
  'src/api/server.ts',
  'src/store/open-store.ts',
  'src/store/dialect/postgres.ts',
  'src/store/dialect/sqlite.ts',
].map((f) => join(ROOT, f));

/** The modules a file loads at run time: type-only imports and re-exports are left out, dynamic imports kept. */
function runtimeImports(file: string, source: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typesOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      if (!typesOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true));
  return found;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(js|jsx)$/, '');
  return [`${stem}.ts`, `${stem}.tsx`, base, join(base, 'index.ts')].find((f) => existsSync(f) && f.includes('.'));
}

/** The first path from `file` to something a unit test must not load, or undefined when there is none. */
async function slowPath(file: string): Promise<string[] | undefined> {
  const seen = new Set<string>();
  const walk = async (current: string, trail: string[]): Promise<string[] | undefined> => {
    if (seen.has(current)) return undefined;
    seen.add(current);
    if (SLOW_FILES.includes(current)) return trail;
    for (const specifier of runtimeImports(current, await readFile(current, 'utf8'))) {
      if (SLOW_PACKAGES.has(specifier)) return [...trail, specifier];
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(current, specifier);
      if (!target) continue;
      const found = await walk(target, [...trail, relative(ROOT, target)]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(file, [relative(ROOT, file)]);
}

async function testFilesOnDisk(directory: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, directory), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The files an npm script's `vitest run …` would run, as vitest itself lists them. */
async function filesOf(script: string | undefined): Promise<string[]> {
  expect(script).toMatch(/^vitest run( |$)/);
  const args = script!.split(' ').slice(2);
  const { stdout } = await run('npx', ['vitest', 'list', '--filesOnly', ...args], { cwd: ROOT });
  return stdout
    .split('\n')
    .map((line) => line.replace(/^\[\w+\] /, '').trim())
    .filter((line) => line.endsWith('.test.ts'))
    .sort();
}

describe('the test suite split', () => {
  it('runs every test once between test:unit and test:int, and npm test runs them all', async () => {
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.test).toMatch(/ vitest run$/);
    const unit = await filesOf(scripts['test:unit']);
    const int = await filesOf(scripts['test:int']);
    const all = await filesOf('vitest run');
    const onDisk = (await Promise.all(['src', 'test', 'web/src'].map((directory) => testFilesOnDisk(directory))))
      .flat()
      .sort();
    expect(all).toEqual(onDisk);
    expect(unit.filter((f) => int.includes(f))).toEqual([]);
    expect([...unit, ...int].sort()).toEqual(all);
    expect(unit).toContain('src/domain/provenance/merkle.test.ts');
    expect(int).toContain('test/store/migrations.test.ts');

    const slow: string[] = [];
    for (const file of unit) {
      const path = await slowPath(join(ROOT, file));
      if (path) slow.push(path.join(' → '));
    }
    expect(slow).toEqual([]);
  });

  it('would notice a unit test that starts a server or a database', async () => {
    expect(await slowPath(join(ROOT, 'test/store/migrations.test.ts'))).toBeDefined();
    expect(await slowPath(join(ROOT, 'test/cli/server-unreachable.test.ts'))).toBeDefined();
    expect(await slowPath(join(ROOT, 'test/store/run-search-plans.test.ts'))).toBeDefined();
    expect(await slowPath(join(ROOT, 'src/domain/provenance/merkle.test.ts'))).toBeUndefined();
  });
});
