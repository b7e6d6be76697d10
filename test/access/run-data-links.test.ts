import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageClient } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from './access-fixture.js';

interface Edge {
  from: string;
  to: string;
  type: string;
}

/**
 * The data a run read and wrote is linked through the run: whoever may write to the run and read the data links it,
 * with no role over lineage as a whole; a new dataset may be created by any signed-in writer, who then manages it.
 * Nobody attaches data they may not read, adds versions to a dataset they may not edit, or links data into a run
 * that is not theirs.
 */
describe.each(backends)('data of a run, linked by its writers, on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const tokens = { edda: '', rafe: '', otto: '' };
  let dir = '';
  let eddasRun = '';
  let ottosRun = '';
  /** The datasets (`file:<path>`) and versions edda's run read and wrote. */
  const input = { dataset: '', versionId: '', nodeId: '' };
  const output = { dataset: '', versionId: '', nodeId: '' };
  const as = <T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, `/api/v1${path}`, body);
  /** The data edges of a run, as an administrator sees them (environment and code links left out). */
  const dataEdges = async (runId: string, direction: 'upstream' | 'downstream') => {
    const lineage = new LineageClient(api.url, fetch, ADMIN_TOKEN);
    const walk = await lineage[direction](`run:${runId}`, { depth: 1 });
    return walk.edges
      .filter((e) => e.type === 'consumed' || e.type === 'produced')
      .map((e): Edge => ({ from: e.from, to: e.to, type: e.type }));
  };

  beforeAll(async () => {
    tokens.edda = await userWithToken(api.url, 'edda');
    tokens.rafe = await userWithToken(api.url, 'rafe');
    tokens.otto = await userWithToken(api.url, 'otto');
    for (const [name, owner] of [
      ['data-links', 'edda'],
      ['ottos', 'otto'],
    ] as const) {
      const created = await ok(
        as<{ experiment: { experimentId: string } }>(ADMIN_TOKEN, 'POST', '/experiments', { name }),
      );
      await grant(api.url, { role: 'editor', user: owner, experiment: created.experiment.experimentId });
      if (owner === 'edda') {
        await grant(api.url, { role: 'reader', user: 'rafe', experiment: created.experiment.experimentId });
      } else {
        const run = await ok(
          as<{ run: { runId: string } }>(tokens.otto, 'POST', '/runs', {
            experimentId: created.experiment.experimentId,
          }),
        );
        ottosRun = run.run.runId;
      }
    }
    dir = await mkdtemp(join(tmpdir(), 'mnemo-run-data-'));
    await writeFile(join(dir, 'a.csv'), 'x,y\n1,2\n');
    await writeFile(join(dir, 'write.js'), "require('node:fs').writeFileSync('b.csv', 'prediction\\n0.5\\n');");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets an editor of the experiment alone record what `mnemo run` read and wrote, and manage the new datasets', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    const result = await runMnemo(
      [
        'run',
        '--tracking-uri',
        api.url,
        '--experiment',
        'data-links',
        '--input',
        'a.csv',
        '--output',
        'b.csv',
        '--',
        process.execPath,
        'write.js',
      ],
      dir,
      { MNEMO_TRACKING_TOKEN: tokens.edda },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('could not record');
    expect(result.stderr).not.toContain('not recorded');
    eddasRun = /run (\w+) in experiment/.exec(result.stderr)![1]!;
    const run = await ok(as<{ run: { tags: Record<string, string> } }>(tokens.edda, 'GET', `/runs/${eddasRun}`));

    for (const [side, tag] of [
      [input, run.run.tags['mnemo.input.0']],
      [output, run.run.tags['mnemo.output.0']],
    ] as const) {
      expect(tag).toMatch(/^file:\/\/.+@sha256:[0-9a-f]{64}$/);
      const [uri, digest] = tag!.split('@') as [string, string];
      side.dataset = `file:${fileURLToPath(uri)}`;
      const versions = await ok(
        as<{ datasetVersions: { versionId: string; nodeId: string; digest: string }[] }>(
          tokens.edda,
          'GET',
          `/lineage/dataset-versions?dataset=${encodeURIComponent(side.dataset)}`,
        ),
      );
      expect(versions.datasetVersions.map((v) => v.digest)).toEqual([digest]);
      side.versionId = versions.datasetVersions[0]!.versionId;
      side.nodeId = versions.datasetVersions[0]!.nodeId;
      // The creator of each new dataset manages it; the experiment's reader only reads it, as anyone signed in does.
      const role = (token: string) =>
        ok(as<{ role: string | null }>(token, 'GET', `/auth/permissions?dataset=${encodeURIComponent(side.dataset)}`));
      expect((await role(tokens.edda)).role).toBe('manager');
      expect((await role(tokens.rafe)).role).toBe('reader');
    }
    expect(await dataEdges(eddasRun, 'upstream')).toEqual([
      {
        from: input.nodeId,
        to: `run:${eddasRun}`,
        type: 'consumed',
      },
    ]);
    expect(await dataEdges(eddasRun, 'downstream')).toContainEqual({
      from: `run:${eddasRun}`,
      to: output.nodeId,
      type: 'produced',
    });

    // Managing it, she may restrict the data she read to herself.
    const restricted = await as(tokens.edda, 'PUT', '/restrictions', { dataset: input.dataset, restricted: true });
    expect(restricted.status, JSON.stringify(restricted.body)).toBe(204);
  });

  it('makes whoever first logs a dataset through MLflow or OpenLineage its manager', async () => {
    const role = (token: string, dataset: string) =>
      ok(as<{ role: string | null }>(token, 'GET', `/auth/permissions?dataset=${encodeURIComponent(dataset)}`));
    // An MLflow client logs a new dataset as an input of a new run of edda's.
    const { run: existing } = await ok(as<{ run: { experimentId: string } }>(tokens.edda, 'GET', `/runs/${eddasRun}`));
    const { run: evaluation } = await ok(
      as<{ run: { runId: string } }>(tokens.edda, 'POST', '/runs', { experimentId: existing.experimentId }),
    );
    const logged = await callAs(api.url, tokens.edda, 'POST', '/api/2.0/mlflow/runs/log-inputs', {
      run_id: evaluation.runId,
      datasets: [
        {
          dataset: { name: 'holdout', digest: 'd41d8cd9', source_type: 'local', source: '/data/holdout.csv' },
          tags: [{ key: 'mlflow.data.context', value: 'eval' }],
        },
      ],
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(200);
    expect((await role(tokens.edda, 'mlflow:holdout')).role).toBe('manager');
    expect((await role(tokens.rafe, 'mlflow:holdout')).role).toBe('reader');

    // A pipeline account allowed to report lineage reports a job that writes a new dataset.
    const pipeline = await userWithToken(api.url, 'pipeline');
    await grant(api.url, { role: 'editor', user: 'pipeline', global: true });
    const reported = await callAs(api.url, pipeline, 'POST', '/api/v1/lineage', {
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      producer: 'https://example.com/pipelines',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: '0190e0f0-0000-7000-8000-0000000000aa' },
      job: { namespace: 'pipelines', name: 'export' },
      inputs: [],
      outputs: [{ namespace: 's3://lake', name: 'exports/daily' }],
    });
    expect(reported.status, JSON.stringify(reported.body)).toBeLessThan(300);
    expect((await role(pipeline, 's3://lake:exports/daily')).role).toBe('manager');
    expect((await role(tokens.edda, 's3://lake:exports/daily')).role).toBe('reader');
  });

  it('refuses to link data to a run whose writer may not read it, or into a run of someone else', async () => {
    // A version otto may read links to his own run; edda's restricted input does not, nor may he add to it.
    const linked = await as<{ edge: Edge }>(tokens.otto, 'POST', `/runs/${ottosRun}/datasets`, {
      versionId: output.versionId,
      role: 'input',
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    expect(linked.body.edge).toMatchObject({ from: output.nodeId, to: `run:${ottosRun}`, type: 'consumed' });
    const hidden = await as<{ error_code: string }>(tokens.otto, 'POST', `/runs/${ottosRun}/datasets`, {
      versionId: input.versionId,
      role: 'input',
    });
    expect([hidden.status, hidden.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const [namespace, ...rest] = input.dataset.split(':');
    const added = await as(tokens.otto, 'POST', '/lineage/dataset-versions', {
      namespace,
      name: rest.join(':'),
      version: 'otto-1',
    });
    expect(added.status).toBe(403);
    // Nor may he add to an unrestricted dataset he only reads (edda's output), or name her run as its producer.
    const [outNamespace, ...outRest] = output.dataset.split(':');
    const appended = await as(tokens.otto, 'POST', '/lineage/dataset-versions', {
      namespace: outNamespace,
      name: outRest.join(':'),
      version: 'otto-2',
    });
    expect(appended.status).toBe(403);
    const claimed = await as(tokens.otto, 'POST', '/lineage/dataset-versions', {
      namespace: 'file',
      name: join(dir, 'ottos.csv'),
      version: 'v1',
      producedByRunId: eddasRun,
    });
    expect(claimed.status).toBe(403);

    // The experiment's reader may not link data to its runs, not even data anyone reads.
    const reader = await as<{ error_code: string }>(tokens.rafe, 'POST', `/runs/${eddasRun}/datasets`, {
      versionId: output.versionId,
      role: 'input',
    });
    expect([reader.status, reader.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);

    // Bad input and unknown things are told apart from refusals, and nothing refused was stored.
    const bad = await as(tokens.otto, 'POST', `/runs/${ottosRun}/datasets`, { versionId: output.versionId, role: 'x' });
    expect(bad.status).toBe(400);
    const unknownVersion = await as(tokens.otto, 'POST', `/runs/${ottosRun}/datasets`, {
      versionId: 'no-such-version',
      role: 'output',
    });
    expect(unknownVersion.status).toBe(404);
    const unknownRun = await as(tokens.otto, 'POST', '/runs/no-such-run/datasets', {
      versionId: output.versionId,
      role: 'output',
    });
    expect(unknownRun.status).toBe(404);
    expect(await dataEdges(ottosRun, 'upstream')).toEqual([
      { from: output.nodeId, to: `run:${ottosRun}`, type: 'consumed' },
    ]);
    expect(await dataEdges(eddasRun, 'upstream')).toEqual([
      { from: input.nodeId, to: `run:${eddasRun}`, type: 'consumed' },
    ]);
    const versions = await ok(
      as<{ datasetVersions: unknown[] }>(
        ADMIN_TOKEN,
        'GET',
        `/lineage/dataset-versions?dataset=${encodeURIComponent(input.dataset)}`,
      ),
    );
    expect(versions.datasetVersions).toHaveLength(1);
    const nothing = await as(
      ADMIN_TOKEN,
      'GET',
      `/lineage/dataset-versions?dataset=${encodeURIComponent(`file:${join(dir, 'ottos.csv')}`)}`,
    );
    expect(nothing.status).toBe(404);
  });
  it('lets the same editor re-run her run with `mnemo reproduce --exec`, linked derived_from, and no one else link runs they may not use', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    const result = await runMnemo(['reproduce', '--tracking-uri', api.url, '--exec', eddasRun], dir, {
      MNEMO_TRACKING_TOKEN: tokens.edda,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('could not');
    const rerun = /run (\w+) is derived_from run/.exec(result.stderr)?.[1];
    expect(rerun, result.stderr).toBeDefined();
    const lineage = new LineageClient(api.url, fetch, ADMIN_TOKEN);
    const walk = await lineage.upstream(`run:${rerun}`, { depth: 1 });
    expect(walk.edges.filter((e) => e.type === 'derived_from').map((e) => [e.from, e.to])).toEqual([
      [`run:${eddasRun}`, `run:${rerun}`],
    ]);

    // Once edda's experiment is restricted otto cannot read her run, so he may not claim his run re-ran it; rafe,
    // who reads it by his grant, may not link into it.
    const eddas = await ok(as<{ run: { experimentId: string } }>(tokens.edda, 'GET', `/runs/${eddasRun}`));
    const restricted = await as(ADMIN_TOKEN, 'PUT', '/restrictions', {
      experiment: eddas.run.experimentId,
      restricted: true,
    });
    expect(restricted.status, JSON.stringify(restricted.body)).toBe(204);
    const stranger = await as<{ error_code: string }>(tokens.otto, 'POST', `/runs/${ottosRun}/derived-from`, {
      originRunId: eddasRun,
    });
    expect([stranger.status, stranger.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const reader = await as<{ error_code: string }>(tokens.rafe, 'POST', `/runs/${rerun}/derived-from`, {
      originRunId: eddasRun,
    });
    expect([reader.status, reader.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const itself = await as<{ error_code: string }>(tokens.edda, 'POST', `/runs/${eddasRun}/derived-from`, {
      originRunId: eddasRun,
    });
    expect([itself.status, itself.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const unknown = await as(tokens.edda, 'POST', `/runs/${eddasRun}/derived-from`, { originRunId: 'no-such-run' });
    expect(unknown.status).toBe(404);
    const ottosUpstream = await lineage.upstream(`run:${ottosRun}`, { depth: 1 });
    expect(ottosUpstream.edges.filter((e) => e.type === 'derived_from')).toEqual([]);
  });
});
