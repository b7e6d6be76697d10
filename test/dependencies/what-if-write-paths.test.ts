import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { LineageClient } from '../../src/sdk/lineage.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Break = { model: string; version: number; violation: { package: string; specifier: string } };

/**
 * What-if reads declarations from an index by package kept beside the declaration documents. Each way a declaration
 * is written must reach that index in the same step, or the answer goes stale: every step below changes what a
 * deployed version declares and asks again.
 */
describe.each(backends)('what-if follows every way declarations are written on $name', (backend) => {
  const api = useTestServer(backend);

  const whatIf = async (changes: { kind?: string; name: string; version: string }[]) => {
    const reply = await api.call<{ breaks: Break[] }>('POST', '/api/v1/dependencies/what-if', {
      target: 'prod',
      changes,
    });
    expect(reply.status).toBe(200);
    // Deployments come in no particular order; a stable sort by model keeps each version's declarations in theirs.
    return reply.body.breaks
      .map((b) => [b.model, b.version, b.violation.package, b.violation.specifier])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  };
  const register = async (model: string, runId: string) => {
    expect((await api.call('POST', '/api/v1/registered-models', { name: model })).status).toBe(201);
    const created = await api.call<{ model_version: { version: string } }>(
      'POST',
      `/api/v1/registered-models/${model}/versions`,
      { source: `runs:/${runId}/model` },
    );
    expect(created.status).toBe(201);
  };

  it('registration from files, a run environment linked later, API corrections', async () => {
    const lineage = new LineageClient(api.url);
    const target = await lineage.registerDeploymentTarget({ name: 'prod' });
    const env = await api.call('PUT', '/api/v1/deployment-targets/prod/environment', {
      file: 'requirements.txt',
      content: 'numpy==1.26.4\npandas==2.2.2\n',
      runtime: 'CPython 3.11.9',
      os: 'linux',
    });
    expect(env.status).toBe(201);

    // Registration reads the model's files: numpy<2 and a marker-guarded pandas pin.
    const filesRun = await createRun(api, 'paths-files');
    await upload(api, filesRun, 'model/model.bin', 'weights');
    await upload(api, filesRun, 'model/requirements.txt', 'numpy<2\npandas<2 ; sys_platform == "win32"\n');
    await register('from-files', filesRun);
    // A version registered from a run with no files and no environment yet declares nothing.
    const bareRun = await createRun(api, 'paths-bare');
    await upload(api, bareRun, 'model/model.bin', 'weights');
    await register('from-run', bareRun);
    for (const modelId of ['from-files', 'from-run']) {
      await lineage.recordDeployment({ modelId, version: 1, targetId: target.id });
    }

    // Written down before the code: numpy 2.1.0 breaks from-files (numpy<2); the pandas pin is conditional, not checked.
    expect(await whatIf([{ name: 'numpy', version: '2.1.0' }])).toEqual([['from-files', 1, 'numpy', '<2']]);
    expect(await whatIf([{ name: 'pandas', version: '2.3.0' }])).toEqual([]);

    // Linking the run's environment afterwards declares what it ran on for the version that declared nothing.
    const linked = await api.call('POST', `/api/v1/runs/${bareRun}/environment`, {
      os: 'Linux 6.1',
      runtime: 'python 3.11.9',
      packages: { numpy: '1.26.4' },
      hardware: {},
    });
    expect([200, 201]).toContain(linked.status);
    expect(await whatIf([{ name: 'numpy', version: '2.1.0' }])).toEqual([
      ['from-files', 1, 'numpy', '<2'],
      ['from-run', 1, 'numpy', '==1.26.4'],
    ]);
    expect(await whatIf([{ kind: 'runtime', name: 'python', version: '3.12.1' }])).toEqual([
      ['from-run', 1, 'python', '==3.11.*'],
    ]);

    // Corrected through the API: the new declarations replace the old ones in the answer, in their order.
    const corrected = await api.call('PUT', '/api/v1/registered-models/from-files/versions/1/dependencies', {
      dependencies: [
        { kind: 'pypi', name: 'NumPy', specifier: '>=1.22' },
        { kind: 'runtime', name: 'python', specifier: '<3.12' },
        { kind: 'pypi', name: 'numpy', specifier: '<2.1' },
      ],
    });
    expect(corrected.status).toBe(200);
    expect(
      await whatIf([
        { name: 'numpy', version: '2.1.0' },
        { kind: 'runtime', name: 'python', version: '3.12.1' },
      ]),
    ).toEqual([
      ['from-files', 1, 'python', '<3.12'],
      ['from-files', 1, 'numpy', '<2.1'],
      ['from-run', 1, 'python', '==3.11.*'],
      ['from-run', 1, 'numpy', '==1.26.4'],
    ]);
    // Declared through files given to the API, which replace the structured declarations.
    const refiled = await api.call('PUT', '/api/v1/registered-models/from-files/versions/1/dependencies', {
      files: [{ name: 'requirements.txt', content: 'numpy>=2\n' }],
    });
    expect(refiled.status).toBe(200);
    expect(
      await whatIf([
        { name: 'numpy', version: '2.1.0' },
        { kind: 'runtime', name: 'python', version: '3.12.1' },
      ]),
    ).toEqual([
      ['from-run', 1, 'python', '==3.11.*'],
      ['from-run', 1, 'numpy', '==1.26.4'],
    ]);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });
});
