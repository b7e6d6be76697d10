import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { SnapshotManifest } from '../../src/domain/backup/dump-format.js';
import { parseBackendUri } from '../../src/domain/config/backend-uri.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { openExistingStore } from '../../src/store/open-existing-store.js';
import { type ProvenanceTestServer, useProvenanceServer } from '../provenance/support/provenance-server.js';
import { backends, type TestBackend } from '../support/backends.js';
import { type Caller, given, ok, series } from '../support/builders.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';

/** A seeded store that is written to while it is backed up, and the snapshot taken of it. */
interface Source {
  backend: TestBackend;
  api: ProvenanceTestServer;
  runId: string;
  snapshot: string;
  manifest: SnapshotManifest;
  /** The seeded data as the server reads it back, to compare a restored server's answers with. */
  expected: Record<string, unknown>;
}

const FILES: Record<string, Buffer> = {
  'model/model.bin': Buffer.from([0, 1, 2, 250, 255]),
  'notes.txt': Buffer.from('trained on customers v1'),
};

async function readBack(api: Caller & { url: string }, runId: string): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const path of [
    `/api/v1/runs/${runId}`,
    `/api/v1/runs/${runId}/metric-history?key=loss`,
    `/api/v1/runs/${runId}/metric-history?key=odd`,
    '/api/v1/registered-models/churn/versions/2',
    '/api/v1/registered-models/churn/aliases/champion',
  ]) {
    answers[path] = await ok(api, 'GET', path);
  }
  // Answered from the index by package, which the snapshot must carry (or the restore rebuild) with the declarations.
  answers['what-if numpy 2.1.0'] = await ok(api, 'POST', '/api/v1/dependencies/what-if', {
    allTargets: true,
    changes: [{ name: 'numpy', version: '2.1.0' }],
  });
  for (const path of Object.keys(FILES)) {
    const response = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`);
    answers[path] = Buffer.from(await response.arrayBuffer()).toString('hex');
  }
  return answers;
}

async function seed(api: ProvenanceTestServer): Promise<string> {
  const data = given(api);
  const run = await (await data.experiment('churn-study')).run({ runName: 'baseline', tags: { team: 'risk' } });
  await run.log({
    params: { lr: '0.01', depth: '6' },
    tags: { stage: 'tuning' },
    metrics: [
      ...series('loss', [0.9, 0.5, 0.25, 0.125]),
      // JSON has no numbers for these: the API takes them as strings, as MLflow's does.
      ...(['NaN', 'Infinity', '-Infinity'] as unknown as number[]).map((value, step) => ({ key: 'odd', value, step })),
    ],
  });
  await run.inputs([{ name: 'customers', digest: 'abc123', sourceType: 'local', source: 'data/customers.csv' }]);
  for (const [path, bytes] of Object.entries(FILES)) await api.upload(run.runId, path, bytes);
  await ok(api, 'POST', '/api/v1/lineage/dataset-versions', {
    namespace: 'warehouse',
    name: 'customers',
    version: '1',
  });
  await data.registeredModel('churn', { description: 'who leaves', tags: { owner: 'ana' } });
  await data.modelVersion('churn', run.runId, 'model');
  await data.modelVersion('churn', run.runId, 'model', { description: 'second cut' });
  await ok(api, 'PUT', '/api/v1/registered-models/churn/aliases/champion', { version: 2 });
  await ok(api, 'PUT', '/api/v1/registered-models/churn/versions/2/dependencies', {
    dependencies: [{ kind: 'pypi', name: 'numpy', specifier: '<2' }],
  });
  const target = await ok<{ id: string }>(api, 'POST', '/api/v1/lineage/deployment-targets', { name: 'prod' });
  await ok(api, 'PUT', '/api/v1/deployment-targets/prod/environment', {
    file: 'requirements.txt',
    content: 'numpy==1.26.4\n',
  });
  await ok(api, 'POST', '/api/v1/lineage/deployments', { modelId: 'churn', version: 2, targetId: target.id });
  await run.finish('FINISHED', 1_700_000_000_000);
  return run.runId;
}

/**
 * A real server over a new store; `prepare` seeds it, then backs it up with the CLI while another run keeps logging
 * to it.
 */
function useSource(backend: TestBackend, work: () => string): Source & { prepare(): Promise<void> } {
  const api = useProvenanceServer(backend);
  const source = { backend, api } as Source & { prepare(): Promise<void> };
  source.prepare = async () => {
    source.runId = await seed(api);
    source.expected = await readBack(api, source.runId);
    // What is compared must hold the values a dump has to carry with care.
    expect(JSON.stringify(source.expected[`/api/v1/runs/${source.runId}/metric-history?key=odd`])).toMatch(
      /"NaN"[\s\S]*"Infinity"[\s\S]*"-Infinity"/,
    );
    expect(source.expected['model/model.bin']).toBe('000102faff');
    expect(source.expected['what-if numpy 2.1.0']).toMatchObject({ breaks: [{ model: 'churn', version: 2 }] });
    const other = await (await given(api).experiment('busy')).run({ runName: 'busy' });
    let writing = true;
    const writer = (async () => {
      for (let step = 0; writing; step += 1) await other.log({ metrics: [{ key: 'x', value: step, step }] });
    })();
    source.snapshot = join(work(), `snapshot-${backend.name}`);
    const artifacts = join(api.dir, 'artifacts');
    const backup = await runMnemo(
      [
        'backup',
        source.snapshot,
        '--json',
        '--backend-store-uri',
        api.backendUri,
        '--artifacts-destination',
        artifacts,
      ],
      work(),
    );
    writing = false;
    await writer;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/table metric_chunks: \d+ rows/);
    expect(backup.stderr).toMatch(/artifacts: 2 files, 28 bytes copied/);
    source.manifest = JSON.parse(await readFile(join(source.snapshot, 'manifest.json'), 'utf8')) as SnapshotManifest;
    expect(JSON.parse(backup.stdout)).toMatchObject({
      schemaVersion: source.manifest.schemaVersion,
      auditHead: source.manifest.auditHead,
      signingKeys: source.manifest.signingKeys.map((k) => k.keyId),
    });
    expect(source.manifest.signingKeys.length).toBeGreaterThan(0);
  };
  return source;
}

const restore = (snapshot: string, target: string, artifacts: string, cwd: string) =>
  runMnemo(['restore', snapshot, '--backend-store-uri', target, '--artifacts-destination', artifacts], cwd);

async function verify(uri: string): Promise<{ code: number; report: VerificationReport }> {
  const result = await auditVerify({ backendStoreUri: uri, json: true });
  return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
}

async function auditHead(uri: string): Promise<{ seq: number; hash: string }> {
  const store = await openExistingStore(uri, { readOnly: true });
  try {
    const head = await store.db.selectFrom('audit_head').select(['last_seq', 'last_hash']).executeTakeFirstOrThrow();
    return { seq: Number(head.last_seq), hash: head.last_hash };
  } finally {
    await store.close();
  }
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

// The cases share two seeded sources and their snapshots, and each restores into a store of its own: they run side
// by side, which matters most while they wait on CLI processes.
describe.concurrent('mnemo backup and mnemo restore', () => {
  let work = '';
  const dropped: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of dropped) await drop();
    await rm(work, { recursive: true, force: true });
  });
  const sources = Object.fromEntries(backends.map((b) => [b.name, useSource(b, () => work)])) as Record<
    string,
    Source & { prepare(): Promise<void> }
  >;
  // After the servers' own hooks, registered above: both sources are seeded and backed up side by side.
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mnemo-backup-'));
    await Promise.all(Object.values(sources).map((source) => source.prepare()));
  }, CLI_TIMEOUT);
  /** A new database; `migrated`: one at the current schema that was never used, which is empty too. */
  const target = async (backend: TestBackend, migrated = false) => {
    const created = migrated ? await backend.createMigrated() : await backend.create();
    dropped.push(created.drop);
    return created.uri;
  };

  const pairs = [
    ['sqlite', 'sqlite'],
    ['sqlite', 'postgres'],
    ['postgres', 'sqlite'],
  ].filter((pair) => pair.every((name) => backends.some((b) => b.name === name)));

  it.for(pairs)(
    'restores a snapshot of %s into an empty %s store that verifies and serves the same data',
    { timeout: CLI_TIMEOUT },
    async ([from, into], { expect }) => {
      if (!from || !into) throw new Error('a pair names two backends');
      const source = sources[from]!;
      const uri = await target(backends.find((b) => b.name === into)!, from === into);
      const artifacts = join(work, `restored-${from}-${into}`);
      const restored = await restore(source.snapshot, uri, artifacts, work);
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stderr).toMatch(/table runs: \d+ rows/);

      const { code, report } = await verify(uri);
      expect(report.problems).toEqual([]);
      expect(code).toBe(0);
      expect(report.events).toBe(source.manifest.auditHead.seq);
      expect(await auditHead(uri)).toEqual(source.manifest.auditHead);

      const server = await startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: uri,
        artifactsDestination: artifacts,
        signingKeyFile: join(work, `key-${from}-${into}.pem`),
        checkpointIntervalMinutes: 0,
      });
      try {
        const call: Caller['call'] = async (method, path, body) => {
          const response = await fetch(`${server.url}${path}`, {
            method,
            ...(body === undefined
              ? {}
              : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
          });
          return { status: response.status, body: (await response.json()) as never };
        };
        expect(await readBack({ call, url: server.url }, source.runId)).toEqual(source.expected);
      } finally {
        await server.close();
      }
    },
  );

  it(
    'refuses a store that is not empty, and a snapshot from a newer schema, changing nothing',
    async ({ expect }) => {
      const source = sources.sqlite!;
      const future = join(work, 'snapshot-future');
      await cp(source.snapshot, future, { recursive: true });
      const manifest = { ...source.manifest, migrations: [...source.manifest.migrations, '9999-from-the-future'] };
      await writeFile(join(future, 'manifest.json'), JSON.stringify(manifest));
      const empty = await target(sqlite());
      const headBefore = await auditHead(source.api.backendUri);
      const [busy, newer] = await Promise.all([
        restore(source.snapshot, source.api.backendUri, join(work, 'unused'), work),
        restore(future, empty, join(work, 'unused'), work),
      ]);
      expect(busy.stderr).toMatch(/not empty/);
      expect(busy.code).toBe(2);
      expect(newer.stderr).toMatch(/newer Mnemo \(schema 9999-from-the-future\)/);
      expect(newer.code).toBe(2);
      // The used store is as it was (its writer stopped with the backup); the refused target was never created.
      expect(await auditHead(source.api.backendUri)).toEqual(headBefore);
      expect((await verify(source.api.backendUri)).code).toBe(0);
      expect(existsSync(parseBackendUri(empty).kind === 'sqlite' ? empty.replace('sqlite:///', '') : '')).toBe(false);
    },
    CLI_TIMEOUT,
  );

  it(
    'with --artifacts-manifest-only lists each artifact file with its size and sha256 instead of copying it',
    async ({ expect }) => {
      const source = sources.sqlite!;
      const out = join(work, 'snapshot-manifest-only');
      const backup = await runMnemo(
        [
          'backup',
          out,
          '--artifacts-manifest-only',
          '--backend-store-uri',
          source.api.backendUri,
          '--artifacts-destination',
          join(source.api.dir, 'artifacts'),
        ],
        work,
      );
      expect(backup.code, backup.stderr).toBe(0);
      expect(existsSync(join(out, 'artifacts'))).toBe(false);
      const listed = (await readFile(join(out, 'artifacts.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { path: string; size: number; sha256: string });
      expect(listed).toHaveLength(Object.keys(FILES).length);
      for (const [path, bytes] of Object.entries(FILES)) {
        expect(listed).toContainEqual({
          path: expect.stringMatching(new RegExp(`/${path.replaceAll('.', '\\.')}$`)),
          size: bytes.length,
          sha256: sha256(bytes),
        });
      }
    },
    CLI_TIMEOUT,
  );

  it(
    'a changed row is refused as damage, and once its checksum is forged too, audit verify finds it',
    async ({ expect }) => {
      const source = sources.sqlite!;
      const tampered = join(work, 'snapshot-tampered');
      await cp(source.snapshot, tampered, { recursive: true });
      const runsFile = join(tampered, 'tables', 'runs.jsonl');
      const changed = (await readFile(runsFile, 'utf8')).replace('"baseline"', '"forged"');
      expect(changed).toContain('"forged"');
      await writeFile(runsFile, changed);

      const first = await target(sqlite());
      const refused = await restore(tampered, first, join(work, 'tampered-1'), work);
      expect(refused.stderr).toMatch(/runs\.jsonl is not the file the snapshot recorded/);
      expect(refused.code).toBe(2);

      const manifest: SnapshotManifest = JSON.parse(await readFile(join(tampered, 'manifest.json'), 'utf8'));
      manifest.tables.find((t) => t.name === 'runs')!.sha256 = sha256(changed);
      await writeFile(join(tampered, 'manifest.json'), JSON.stringify(manifest));
      const second = await target(sqlite());
      const loaded = await restore(tampered, second, join(work, 'tampered-2'), work);
      expect(loaded.code, loaded.stderr).toBe(0);
      const { code, report } = await verify(second);
      expect(code).toBe(1);
      expect(report.problems.map((p) => p.message).join('\n')).toMatch(new RegExp(source.runId));
    },
    CLI_TIMEOUT,
  );
});

function sqlite(): TestBackend {
  return backends.find((b) => b.name === 'sqlite')!;
}
