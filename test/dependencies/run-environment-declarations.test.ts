import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { DeclaredDependenciesJson } from '../../src/sdk/wire/dependency-shapes.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const ENVIRONMENT: { os: string; runtime: string; packages: Record<string, string>; hardware: Record<string, number> } =
  {
    os: 'Linux 6.1',
    runtime: 'python 3.11.9',
    packages: { numpy: '1.26.4', 'scikit-learn': '1.4.2', pip: '24.0' },
    hardware: { cpuCount: 8 },
  };

describe.each(backends)("declarations from the source run's environment on $name", (backend) => {
  const api = useTestServer(backend);

  const declared = async (model: string, version: number) => {
    const read = await api.call<{ dependencies: DeclaredDependenciesJson }>(
      'GET',
      `/api/v1/registered-models/${model}/versions/${version}/dependencies`,
    );
    expect(read.status).toBe(200);
    return read.body.dependencies;
  };
  const linkEnvironment = async (runId: string, environment: typeof ENVIRONMENT) => {
    const linked = await api.call<{ id: string }>('POST', `/api/v1/runs/${runId}/environment`, environment);
    expect([200, 201]).toContain(linked.status);
    return linked.body.id;
  };

  it("adds the run's Python where the files name none, pins no package the files leave out, and shows where the run disagrees", async () => {
    const runId = await createRun(api, 'run-env-deps');
    await upload(api, runId, 'model/model.bin', 'weights');
    await upload(api, runId, 'model/requirements.txt', 'numpy>=2\n');
    const environmentId = await linkEnvironment(runId, ENVIRONMENT);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'ranker' })).status).toBe(201);
    const created = await api.call('POST', '/api/v1/registered-models/ranker/versions', {
      source: `runs:/${runId}/model`,
    });
    expect(created.status).toBe(201);

    const shown = await declared('ranker', 1);
    const fromRun = { file: 'run_environment', line: 0, column: 0, runId, environmentId };
    expect(shown.origin).toBe('files');
    expect(shown.dependencies).toEqual([
      { kind: 'pypi', name: 'numpy', specifier: '>=2', source: { file: 'requirements.txt', line: 1, column: 1 } },
      { kind: 'runtime', name: 'python', specifier: '==3.11.*', source: fromRun },
    ]);
    // The run trained on numpy 1.26.4 although the file asks for >=2: shown side by side, the file stays in force.
    expect(shown.conflicts).toEqual([
      {
        kind: 'pypi',
        package: 'numpy',
        declarations: [
          { specifier: '>=2', source: { file: 'requirements.txt', line: 1, column: 1 } },
          { specifier: '==1.26.4', source: fromRun },
        ],
      },
    ]);

    // What the run declared is checked like any declaration: a target on another Python series is not compatible,
    // while another version of a package the files do not name (scikit-learn) does not matter.
    expect((await api.call('POST', '/api/v1/lineage/deployment-targets', { name: 'edge' })).status).toBe(201);
    const env = await api.call('PUT', '/api/v1/deployment-targets/edge/environment', {
      file: 'requirements.txt',
      content: 'numpy==2.0.0\nscikit-learn==1.5.0\n',
      runtime: 'CPython 3.12.1',
      os: 'linux',
    });
    expect(env.status).toBe(201);
    const check = await api.call<{ compatibility: { compatible: boolean; violations: { package: string }[] } }>(
      'GET',
      '/api/v1/registered-models/ranker/versions/1/compatibility?target=edge',
    );
    expect(check.status).toBe(200);
    expect(check.body.compatibility.compatible).toBe(false);
    expect(check.body.compatibility.violations.map((v) => v.package)).toEqual(['python']);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it('picks up an environment linked after registration, and leaves declarations set through the API alone', async () => {
    const runId = await createRun(api, 'run-env-late');
    await upload(api, runId, 'model/model.bin', 'weights');
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'late' })).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const created = await api.call('POST', '/api/v1/registered-models/late/versions', {
        source: `runs:/${runId}/model`,
      });
      expect(created.status).toBe(201);
    }
    expect((await declared('late', 1)).origin).toBeNull();
    const corrected = await api.call('PUT', '/api/v1/registered-models/late/versions/2/dependencies', {
      dependencies: [{ kind: 'pypi', name: 'numpy', specifier: '<2' }],
    });
    expect(corrected.status).toBe(200);

    const first = await linkEnvironment(runId, ENVIRONMENT);
    const v1 = await declared('late', 1);
    expect(v1.origin).toBe('run_environment');
    expect(v1.dependencies.map((d) => [d.name, d.specifier, d.source.environmentId])).toEqual([
      ['python', '==3.11.*', first],
      ['numpy', '==1.26.4', first],
      ['scikit-learn', '==1.4.2', first],
    ]);
    expect((await declared('late', 2)).dependencies.map((d) => [d.name, d.source.file])).toEqual([['numpy', 'api']]);

    // A later environment replaces what the earlier one declared.
    const second = await linkEnvironment(runId, {
      ...ENVIRONMENT,
      runtime: 'python 3.12.2',
      packages: { numpy: '2.1.0' },
    });
    expect(second).not.toBe(first);
    expect((await declared('late', 1)).dependencies.map((d) => [d.name, d.specifier, d.source.environmentId])).toEqual([
      ['python', '==3.12.*', second],
      ['numpy', '==2.1.0', second],
    ]);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it('declares nothing from a run without a captured environment', async () => {
    const runId = await createRun(api, 'run-env-none');
    await upload(api, runId, 'model/model.bin', 'weights');
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'bare' })).status).toBe(201);
    expect(
      (await api.call('POST', '/api/v1/registered-models/bare/versions', { source: `runs:/${runId}/model` })).status,
    ).toBe(201);
    const shown = await declared('bare', 1);
    expect([shown.origin, shown.dependencies]).toEqual([null, []]);
  });
});
