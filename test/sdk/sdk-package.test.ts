import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Builds the SDK as `npm run build:sdk` does, into `outDir` instead of dist/. */
function buildSdk(outDir: string): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.sdk.json'),
    { outDir },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.sdk.json could not be read');
  const program = ts.createProgram(config.fileNames, config.options);
  return [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
}

/**
 * Type-checks consumers' files the way a project of its own would, finding the SDK only by its package name; the
 * messages come back per file. One program for all of them: loading Node's types is most of the cost.
 */
function typeCheck(files: readonly string[], moduleResolution: 'NodeNext' | 'Bundler'): Map<string, string[]> {
  const nodeNext = moduleResolution === 'NodeNext';
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: nodeNext ? ts.ModuleKind.NodeNext : ts.ModuleKind.ESNext,
    moduleResolution: nodeNext ? ts.ModuleResolutionKind.NodeNext : ts.ModuleResolutionKind.Bundler,
    types: ['node'],
  });
  const messages = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const key = d.file?.fileName ?? 'global';
    messages.set(key, [...(messages.get(key) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')]);
  }
  return messages;
}

const CONSUMER = `import { Mnemo, MnemoApiError, type Run, type RunStatus } from 'mnemo/sdk';

const mnemo = new Mnemo({ url: 'http://127.0.0.1:5000' });
const wanted: RunStatus = 'FINISHED';

export async function finished(experimentId: string): Promise<Run[]> {
  try {
    const page = await mnemo.searchRuns({ experimentIds: [experimentId] });
    return page.runs.filter((run) => run.status === wanted);
  } catch (error) {
    if (error instanceof MnemoApiError) console.error(error.status, error.errorCode);
    throw error;
  }
}
`;

describe('the SDK as an installed package', () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'mnemo-sdk-consumer-'));
    const installed = join(project, 'node_modules', 'mnemo');
    await mkdir(installed, { recursive: true });
    expect(buildSdk(join(installed, 'dist')).map((d) => d.messageText)).toEqual([]);
    await cp(join(ROOT, 'package.json'), join(installed, 'package.json'));
    // Node's own types, as any Node project has them; nothing else is installed beside the SDK.
    await mkdir(join(project, 'node_modules', '@types'));
    await symlink(join(ROOT, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
  });

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('type-checks a consumer importing it by package name, with real types and only its entry point', async () => {
    const consumer = join(project, 'consumer.ts');
    await writeFile(consumer, CONSUMER);
    // Real types, not any: a wrong option type and a run status that does not exist are errors.
    const wrong = join(project, 'wrong.ts');
    await writeFile(
      wrong,
      `import { Mnemo, type RunStatus } from 'mnemo/sdk';\nnew Mnemo({ url: 5000 });\nexport const s: RunStatus = 'DONE';\n`,
    );
    // Only the entry point is exported: a deep import into the build is refused.
    const deep = join(project, 'deep.ts');
    await writeFile(deep, `import { Mnemo } from 'mnemo/dist/sdk/mnemo.js';\nexport const m = Mnemo;\n`);

    for (const resolution of ['NodeNext', 'Bundler'] as const) {
      const messages = typeCheck([consumer, wrong, deep], resolution);
      expect(messages.get(consumer), resolution).toEqual([]);
      const errors = messages.get(wrong) ?? [];
      expect(errors, resolution).toHaveLength(2);
      expect(errors.join('\n')).toMatch(/'number' is not assignable to type 'string'/);
      expect(errors.join('\n')).toMatch(/'"DONE"' is not assignable to type 'RunStatus'/);
      expect((messages.get(deep) ?? []).join('\n')).toMatch(/Cannot find module 'mnemo\/dist\/sdk\/mnemo.js'/);
      expect([...messages.keys()].sort()).toEqual([consumer, deep, wrong].sort());
    }
  });

  it('loads in Node by package name with no other package installed', async () => {
    const file = join(project, 'consumer.mjs');
    await writeFile(
      file,
      `import { Mnemo, MnemoApiError } from 'mnemo/sdk';\nconst m = new Mnemo({ url: 'http://127.0.0.1:9' });\n` +
        `console.log(typeof m.startRun, typeof MnemoApiError);\n`,
    );
    const { stdout } = await run(process.execPath, [file], { cwd: project });
    expect(stdout.trim()).toBe('function function');
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: unknown };
    expect(manifest.exports).toMatchObject({ './sdk': { types: './dist/sdk/index.d.ts' } });
  });
});
