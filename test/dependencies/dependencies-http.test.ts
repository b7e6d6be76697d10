import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { LineageClient } from '../../src/sdk/lineage.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const FREEZE_V1 = 'numpy==1.26.4\ntorch==2.3.0\npandas==2.2.2\n';
const FREEZE_V2 = 'numpy==2.0.0\ntorch==2.3.0\npandas==2.2.2\n';

describe.each(backends)('dependencies over HTTP on $name', (backend) => {
  const api = useTestServer(backend);

  it('declares, sets target environments by version, checks, asks what-if and resolves', async () => {
    const runId = await createRun(api, 'deps');
    await upload(api, runId, 'model/model.bin', 'weights');
    for (const name of ['fraud', 'churn']) {
      expect((await api.call('POST', '/api/v1/registered-models', { name })).status).toBe(201);
      const created = await api.call('POST', `/api/v1/registered-models/${name}/versions`, {
        source: `runs:/${runId}/model`,
      });
      expect(created.status).toBe(201);
    }

    // fraud v1 declares through its files; requirements.txt and conda.yaml disagree about numpy, which is shown.
    const fraud = await api.call<{ dependencies: Record<string, unknown> }>(
      'PUT',
      '/api/v1/registered-models/fraud/versions/1/dependencies',
      {
        files: [
          { name: 'requirements.txt', content: 'numpy<2\ntorch>=2.2\n' },
          { name: 'conda.yaml', content: 'dependencies:\n  - python=3.11\n  - numpy>=1.24\n' },
        ],
      },
    );
    expect(fraud.status).toBe(200);
    expect(fraud.body.dependencies).toMatchObject({
      origin: 'api',
      conflicts: [{ package: 'numpy', declarations: [{ specifier: '<2' }, { specifier: '>=1.24' }] }],
    });
    const churn = await api.call('PUT', '/api/v1/registered-models/churn/versions/1/dependencies', {
      dependencies: [
        { kind: 'pypi', name: 'NumPy', specifier: '>=1.22' },
        { kind: 'pypi', name: 'pandas', specifier: '<2.3' },
      ],
    });
    expect(churn.status).toBe(200);

    // A bad line is refused with its file, line and column, and nothing changes.
    const bad = await api.call<{ error_code: string; message: string }>(
      'PUT',
      '/api/v1/registered-models/churn/versions/1/dependencies',
      { files: [{ name: 'requirements.txt', content: 'pandas\nnumpy=>1\n' }] },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.body.message).toContain('requirements.txt:2:6');
    const still = await api.call<{ dependencies: { dependencies: { name: string }[] } }>(
      'GET',
      '/api/v1/registered-models/churn/versions/1/dependencies',
    );
    expect(still.body.dependencies.dependencies.map((d) => d.name)).toEqual(['numpy', 'pandas']);

    // Target environments are versioned; the same report again makes no new version.
    const lineage = new LineageClient(api.url);
    const target = await lineage.registerDeploymentTarget({ name: 'prod' });
    const env1 = await api.call<{ environment: { version: number; setTime: number }; changed: boolean }>(
      'PUT',
      '/api/v1/deployment-targets/prod/environment',
      { file: 'requirements.txt', content: FREEZE_V1, runtime: 'CPython 3.11.9', os: 'linux' },
    );
    expect(env1.status).toBe(201);
    expect(env1.body.environment.version).toBe(1);
    const again = await api.call<{ changed: boolean }>('PUT', '/api/v1/deployment-targets/prod/environment', {
      file: 'requirements.txt',
      content: FREEZE_V1,
    });
    expect([again.status, again.body.changed]).toEqual([200, false]);
    const badReport = await api.call<{ message: string }>('PUT', '/api/v1/deployment-targets/prod/environment', {
      file: 'requirements.txt',
      content: 'numpy>=1\n',
    });
    expect(badReport.status).toBe(400);
    expect(badReport.body.message).toContain('requirements.txt:1:6');
    for (const [modelId, version] of [
      ['fraud', 1],
      ['churn', 1],
    ] as const) {
      await lineage.recordDeployment({ modelId, version, targetId: target.id });
    }

    const compatible = await api.call<{ compatibility: { compatible: boolean; violations: unknown[] } }>(
      'GET',
      '/api/v1/registered-models/fraud/versions/1/compatibility?target=prod',
    );
    expect(compatible.body.compatibility).toMatchObject({ compatible: true, violations: [] });

    // Written down before the code: numpy 2.1.0 on prod breaks fraud v1 (numpy<2) and nothing else.
    const whatIf = await api.call<{ breaks: { model: string; version: number; violation: { specifier: string } }[] }>(
      'POST',
      '/api/v1/dependencies/what-if',
      { target: 'prod', changes: [{ name: 'numpy', version: '2.1.0' }] },
    );
    expect(whatIf.status).toBe(200);
    expect(whatIf.body.breaks.map((b) => [b.model, b.version, b.violation.specifier])).toEqual([['fraud', 1, '<2']]);
    // The package named as people write it (PEP 503: case and separators do not matter) is the same question.
    const spelled = await api.call<{ breaks: { model: string; version: number }[] }>(
      'POST',
      '/api/v1/dependencies/what-if',
      { target: 'prod', changes: [{ name: 'NumPy', version: '2.1.0' }] },
    );
    expect(spelled.body.breaks.map((b) => [b.model, b.version])).toEqual([['fraud', 1]]);

    // The environment moves on; the check now fails with the constraint, and the old version is still answerable.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const env2 = await api.call<{ environment: { version: number; setTime: number } }>(
      'PUT',
      '/api/v1/deployment-targets/prod/environment',
      { file: 'requirements.txt', content: FREEZE_V2 },
    );
    expect(env2.body.environment.version).toBe(2);
    const past = await api.call<{
      environment: { version: number; environment: { packages: Record<string, string> } };
    }>('GET', `/api/v1/deployment-targets/prod/environment?at=${env2.body.environment.setTime - 1}`);
    expect(past.body).toMatchObject({ environment: { version: 1 } });
    expect(past.body.environment.environment.packages.numpy).toBe('1.26.4');
    const broken = await api.call<{ compatibility: { compatible: boolean; violations: unknown[] } }>(
      'GET',
      '/api/v1/registered-models/fraud/versions/1/compatibility?target=prod',
    );
    expect(broken.body.compatibility).toMatchObject({
      compatible: false,
      violations: [{ package: 'numpy', specifier: '<2', found: '2.0.0', why: '2.0.0 is outside <2' }],
    });

    // Resolve: the newest numpy seen (2.0.0, 1.26.4) that fraud (<2, >=1.24) and churn (>=1.22) both accept.
    const resolved = await api.call<{ resolution: { packages: { package: string; newest: string | null }[] } }>(
      'GET',
      '/api/v1/deployment-targets/prod/resolve',
    );
    expect(resolved.body.resolution.packages.find((p) => p.package === 'numpy')?.newest).toBe('1.26.4');

    const unknown = await api.call('GET', '/api/v1/deployment-targets/nowhere/environment');
    expect(unknown.status).toBe(404);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it("reads a model's own files at registration, and lists a file it could not read instead of refusing", async () => {
    const runId = await createRun(api, 'deps-files');
    await upload(
      api,
      runId,
      'model/MLmodel',
      'flavors:\n  python_function:\n    env:\n      conda: conda.yaml\n    python_version: 3.11.9\n',
    );
    await upload(api, runId, 'model/conda.yaml', 'dependencies:\n  - pip:\n    - scikit-learn==1.3.2\n');
    await upload(api, runId, 'model/requirements.txt', 'numpy<2\n');
    await upload(api, runId, 'model/code/requirements.txt', 'ignored==1.0\n');
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'read-at-registration' })).status).toBe(201);
    const path = '/api/v1/registered-models/read-at-registration/versions';
    expect((await api.call('POST', path, { source: `runs:/${runId}/model` })).status).toBe(201);
    const read = await api.call<{
      dependencies: {
        origin: string;
        dependencies: { kind: string; name: string; specifier: string; source: { file: string } }[];
      };
    }>('GET', `${path}/1/dependencies`);
    expect(read.body.dependencies.origin).toBe('files');
    expect(read.body.dependencies.dependencies.map((d) => [d.source.file, d.kind, d.name, d.specifier]).sort()).toEqual(
      [
        ['MLmodel', 'runtime', 'python', '==3.11.9'],
        ['conda.yaml', 'pypi', 'scikit-learn', '==1.3.2'],
        ['requirements.txt', 'pypi', 'numpy', '<2'],
      ],
    );

    const broken = await createRun(api, 'deps-broken');
    await upload(api, broken, 'model/requirements.txt', 'numpy\ntorch=>2\n');
    expect((await api.call('POST', path, { source: `runs:/${broken}/model` })).status).toBe(201);
    const skipped = await api.call<{
      dependencies: { dependencies: unknown[]; skipped: { spot: { line: number; column: number }; why: string }[] };
    }>('GET', `${path}/2/dependencies`);
    expect(skipped.body.dependencies.dependencies).toEqual([]);
    expect(skipped.body.dependencies.skipped).toMatchObject([
      { spot: { line: 2, column: 6 }, why: expect.stringContaining('PEP 440') },
    ]);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });
});
