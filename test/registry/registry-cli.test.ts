import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsCommand } from '../../src/cli/models-command.js';
import { schemasCommand } from '../../src/cli/schemas-command.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { type CliResult, runInProcess } from '../support/in-process-cli.js';
import { useTestServer } from '../support/test-server.js';
import { modelSource } from './registry-helpers.js';

/**
 * Runs `mnemo models|schemas …` in this process. (Starting a fresh Node process per command is covered once below;
 * doing it for every step would make the suite slow without testing anything more.)
 */
const mnemo = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runInProcess(() => [modelsCommand(), schemasCommand()], args, env);

/** The real entry point in a child process, as a shell would start it. */
function spawnMnemo(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(backends)('mnemo models and mnemo schemas against a server on $name', (backend) => {
  const api = useTestServer(backend);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-schemas-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, lists, transitions and aliases models', { timeout: 120_000 }, async () => {
    const uri = ['--tracking-uri', api.url];
    const created = await mnemo([
      'models',
      'create',
      'cli-model',
      '--owner-team',
      'risk',
      '--tag',
      'tier=gold',
      ...uri,
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe("Registered model 'cli-model'");
    const sources = [await modelSource(api, 'cli/1'), await modelSource(api, 'cli/2')];
    const signature = join(dir, 'signature.json');
    await writeFile(signature, JSON.stringify({ inputs: [{ name: 'amount', type: 'double' }], outputs: [] }));
    const first = await mnemo([
      'models',
      'register',
      'cli-model',
      sources[0]!,
      '--description',
      'baseline',
      '--tag',
      'trainer=ci',
      '--signature',
      signature,
      '--json',
      ...uri,
    ]);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toMatchObject({
      name: 'cli-model',
      version: 1,
      description: 'baseline',
      tags: { trainer: 'ci' },
      source: sources[0],
      runId: sources[0]!.split('/')[1],
      fileCount: 1,
      signature: { inputs: [{ name: 'amount', type: 'double' }], outputs: [] },
    });
    const second = await mnemo(['models', 'register', 'cli-model', sources[1]!, ...uri]);
    expect(second.stderr).toBe('');
    expect(second.stdout.trim()).toMatch(/^Registered cli-model version 2 \(1 files, manifest [0-9a-f]{64}\)$/);
    const unreadable = await mnemo([
      'models',
      'register',
      'cli-model',
      sources[1]!,
      '--metadata',
      join(dir, 'nope.json'),
      ...uri,
    ]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('--metadata: cannot read');
    const outside = await mnemo(['models', 'register', 'cli-model', 'file:///etc/passwd', ...uri]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).not.toBe('');
    expect(
      (await api.call<{ modelVersions: unknown[] }>('GET', '/api/v1/registered-models/cli-model/versions')).body
        .modelVersions,
    ).toHaveLength(2);

    // The installed entry point finds the server through the environment.
    const listed = await spawnMnemo(['models', 'list'], { MNEMO_TRACKING_URI: api.url });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME\s+OWNER\s+ALIASES\s+UPDATED\ncli-model\s+risk\s+-\s+\d{4}-/);
    // …and, like `mnemo run`, through MLflow's variable when Mnemo's own is not set.
    const viaMlflow = await spawnMnemo(['models', 'list'], { MLFLOW_TRACKING_URI: api.url });
    expect(viaMlflow.stderr).toBe('');
    expect(viaMlflow.stdout).toMatch(/^NAME\s+OWNER\s+ALIASES\s+UPDATED\ncli-model\s+risk/);

    const moved = await mnemo(['models', 'transition', 'cli-model', '2', 'Production', '--reason', 'better', ...uri]);
    expect(moved.stderr).toBe('');
    expect(moved.stdout.trim()).toBe('cli-model version 2 is now in Production');
    const aliased = await mnemo(['models', 'alias', 'cli-model', 'champion', '2', ...uri]);
    expect(aliased.stdout.trim()).toBe('cli-model@champion -> version 2');
    const shown = await mnemo(['models', 'alias', 'cli-model', 'champion', ...uri]);
    expect(shown.stdout.trim()).toBe(`cli-model@champion -> version 2 (Production, ${sources[1]})`);

    const versions = await mnemo(['models', 'versions', 'cli-model', ...uri]);
    const rows = versions.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^VERSION\s+STAGE\s+ALIASES\s+FILES\s+MANIFEST\s+SOURCE$/);
    expect(rows[1]).toMatch(/^1\s+None\s+-\s+1\s+[0-9a-f]{12}\s+runs:\/[0-9a-f]{32}\/cli\/1$/);
    expect(rows[2]).toMatch(/^2\s+Production\s+champion\s+1\s+[0-9a-f]{12}\s+runs:\/[0-9a-f]{32}\/cli\/2$/);

    const got = await mnemo(['models', 'get', 'cli-model', '--json', ...uri]);
    expect(JSON.parse(got.stdout)).toMatchObject({ name: 'cli-model', ownerTeam: 'risk', tags: { tier: 'gold' } });
    const card = (await mnemo(['models', 'get', 'cli-model', ...uri])).stdout.trim().split('\n');
    expect(card[0]).toMatch(/^FIELD\s+VALUE$/);
    expect(card).toContainEqual(expect.stringMatching(/^name\s+cli-model$/));
    expect(card).toContainEqual(expect.stringMatching(/^owner team\s+risk$/));
    expect(card).toContainEqual(expect.stringMatching(/^tags\s+tier=gold$/));
    expect(card).toContainEqual(expect.stringMatching(/^aliases\s+champion=v2$/));

    const badStage = await mnemo(['models', 'transition', 'cli-model', '1', 'Canary', ...uri]);
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toContain('allowed stages: None, Staging, Production, Archived');
    const missing = await mnemo(['models', 'get', 'nope', ...uri]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Registered Model with name=nope not found');

    // The installed entry point gives the same codes: a client error or a usage error is 2, never 1 ("check failed").
    const env = { MNEMO_TRACKING_URI: api.url };
    const spawnedStage = await spawnMnemo(['models', 'transition', 'cli-model', '1', 'Canary'], env);
    expect([spawnedStage.code, spawnedStage.stderr]).toEqual([2, expect.stringContaining('allowed stages')]);
    const spawnedMissing = await spawnMnemo(['models', 'get', 'nope'], env);
    expect([spawnedMissing.code, spawnedMissing.stderr]).toEqual([2, expect.stringContaining('name=nope not found')]);
    const usage = await spawnMnemo(['models', 'transition', 'cli-model'], env);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("missing required argument 'version'")]);
    const unknownOption = await mnemo(['models', 'get', 'cli-model', '--colour', ...uri]);
    expect(unknownOption.code).toBe(2);
  });

  it('registers, checks, shows and lists schemas from files', async () => {
    const uri = ['--tracking-uri', api.url];
    const v1 = join(dir, 'v1.json');
    const breaking = join(dir, 'breaking.json');
    const compatible = join(dir, 'compatible.json');
    const base = { type: 'object', properties: { owner: { type: 'string' } }, additionalProperties: false };
    await writeFile(v1, JSON.stringify(base));
    await writeFile(breaking, JSON.stringify({ ...base, required: ['owner'] }));
    await writeFile(
      compatible,
      JSON.stringify({ ...base, properties: { owner: { type: 'string' }, region: { type: 'string' } } }),
    );

    const registered = await mnemo(['schemas', 'register', 'dataset', v1, '--compatibility', 'backward', ...uri]);
    expect(registered.stdout).toMatch(/^dataset version 1 \(sha256 [0-9a-f]{12}\)\n$/);
    const refused = await mnemo(['schemas', 'check', 'dataset', breaking, ...uri]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('NOT compatible with dataset under BACKWARD:');
    expect(refused.stdout).toContain('field `owner` became required (backward, against version 1)');
    const registerRefused = await mnemo(['schemas', 'register', 'dataset', breaking, ...uri]);
    expect(registerRefused.code).toBe(2);
    expect(registerRefused.stderr).toContain('field `owner` became required');
    const accepted = await mnemo(['schemas', 'check', 'dataset', compatible, ...uri]);
    expect(accepted.stdout.trim()).toBe('compatible with dataset under BACKWARD');
    expect((await mnemo(['schemas', 'register', 'dataset', compatible, ...uri])).stdout).toContain('version 2');

    const shown = await mnemo(['schemas', 'get', 'dataset', '1', ...uri]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ subject: 'dataset', version: 1, schema: base });
    const listed = await mnemo(['schemas', 'list', ...uri]);
    expect(listed.stdout).toMatch(/dataset\s+BACKWARD\s+2\s+/);
    await writeFile(join(dir, 'broken.json'), '{ nope');
    const broken = await mnemo(['schemas', 'register', 'dataset', join(dir, 'broken.json'), ...uri]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
  });
});
