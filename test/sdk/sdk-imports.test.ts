import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SDK_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/sdk');
const BUILTINS = new Set(builtinModules);

/** Every module a source file imports, re-exports or loads dynamically, as TypeScript's own scanner reads it. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Why an import breaks the SDK's promise of shipping alone, or undefined when it keeps it. */
function problemWith(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    return target === SDK_ROOT || target.startsWith(SDK_ROOT + sep) ? undefined : 'reaches outside src/sdk';
  }
  if (specifier.startsWith('node:') && BUILTINS.has(specifier.slice(5))) return undefined;
  return 'is a package; the SDK may depend on Node.js built-ins (node:…) only';
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

describe('the SDK stands alone', () => {
  it('imports nothing but its own files and Node.js built-ins', async () => {
    const files = await sourceFiles(SDK_ROOT);
    expect(files.map((f) => relative(SDK_ROOT, f))).toContain('index.ts');
    const problems: string[] = [];
    for (const file of files) {
      const specifiers = importsOf(await readFile(file, 'utf8'));
      for (const specifier of specifiers) {
        const problem = problemWith(file, specifier);
        if (problem) problems.push(`${relative(SDK_ROOT, file)}: '${specifier}' ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('would notice a forbidden import of any form', () => {
    const file = join(SDK_ROOT, 'example.ts');
    const source = [
      "import { invalid } from '../domain/errors.js';",
      "export * from '../api/app.js';",
      "import type { Kysely } from 'kysely';",
      "const lazy = await import('fastify');",
      "import { readFile } from 'node:fs/promises';",
      "import { Mnemo } from './mnemo.js';",
    ].join('\n');
    const flagged = importsOf(source).filter((s) => problemWith(file, s) !== undefined);
    expect(flagged).toEqual(['../domain/errors.js', '../api/app.js', 'kysely', 'fastify']);
  });
});
