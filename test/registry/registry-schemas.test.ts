import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { type ErrorBody, type ModelBody, modelSource, type VersionBody } from './registry-helpers.js';

type SchemaBody = { subject: string; version: number; schema: unknown };
type Refusal = ErrorBody & { problems: { version: number; direction: string; reason: string }[] };

const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

describe.each(backends)('metadata schemas over HTTP on $name', (backend) => {
  const api = useTestServer(backend);
  const register = (subject: string, schema: unknown, compatibility?: string) =>
    api.call<SchemaBody & Refusal>('POST', `/api/v1/schemas/${subject}/versions`, {
      schema,
      ...(compatibility ? { compatibility } : {}),
    });

  it('versions schemas 1, 2, 3 per subject and returns the same version for an identical schema', async () => {
    const first = await register('dataset', closed({ owner: { type: 'string' } }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ subject: 'dataset', version: 1 });
    const again = await register('dataset', closed({ owner: { type: 'string' } }));
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(1);
    const second = await register('dataset', closed({ owner: { type: 'string' }, rows: { type: 'integer' } }));
    expect(second.body.version).toBe(2);
    const listed = await api.call<{ versions: SchemaBody[] }>('GET', '/api/v1/schemas/dataset/versions');
    expect(listed.body.versions.map((v) => v.version)).toEqual([1, 2]);
    const latest = await api.call<SchemaBody>('GET', '/api/v1/schemas/dataset/versions/latest');
    expect(latest.body.version).toBe(2);
    const old = await api.call<SchemaBody>('GET', '/api/v1/schemas/dataset/versions/1');
    expect(old.body.schema).toEqual(closed({ owner: { type: 'string' } }));
    expect((await api.call('GET', '/api/v1/schemas/dataset/versions/9')).status).toBe(404);
    expect((await api.call('GET', '/api/v1/schemas/nothing/versions')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/schemas/run/versions')).status).toBe(404);
  });

  it('numbers concurrent registrations on one subject without gaps or duplicates', async () => {
    // Each schema only adds an optional field to a closed object, so every order is BACKWARD compatible.
    const fields = Array.from({ length: 8 }, (_, i) => `f${i}`);
    const results = await Promise.all(
      fields.map((_, i) =>
        register('run:raced', closed(Object.fromEntries(fields.slice(0, i + 1).map((f) => [f, { type: 'string' }])))),
      ),
    );
    const created = results.filter((r) => r.status === 201).map((r) => r.body.version);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect([...created].sort((a, b) => a - b)).toEqual(created.map((_, i) => i + 1));
  });

  it('refuses schemas that are not valid JSON Schema', async () => {
    const bad = await register('run', { type: 'object', properties: { x: { type: 'strng' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('not a valid JSON Schema');
    const typo = await register('run', { type: 'object', requird: ['x'] });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain('requird');
    const subjects = await api.call<{ subjects: { subject: string }[] }>('GET', '/api/v1/schemas');
    expect(subjects.body.subjects.map((s) => s.subject)).not.toContain('run');
  });

  // One passing and one failing evolution for every mode, each on its own subject scoped by name.
  const base = closed({ owner: { type: 'string' }, latency_ms: { type: 'number' }, tier: { enum: ['alpha', 'beta'] } });
  const cases: { mode: string; pass: unknown; fail: unknown; reason: string }[] = [
    {
      mode: 'BACKWARD',
      pass: closed({ ...propsOf(base), region: { type: 'string' } }),
      fail: closed(propsOf(base), ['owner']),
      reason: 'field `owner` became required',
    },
    {
      mode: 'BACKWARD_TRANSITIVE',
      pass: closed({ ...propsOf(base), latency_ms: { type: ['number', 'null'] } }),
      fail: closed({ ...propsOf(base), latency_ms: { type: 'string' } }),
      reason: 'field `latency_ms` changed type from number to string',
    },
    {
      mode: 'FORWARD',
      pass: closed(propsOf(base), ['owner']),
      fail: closed({ ...propsOf(base), tier: { enum: ['alpha', 'beta', 'ga'] } }),
      reason: 'enum value `ga` was added to field `tier`',
    },
    {
      mode: 'FORWARD_TRANSITIVE',
      pass: closed({ ...propsOf(base), tier: { enum: ['alpha'] } }),
      fail: closed({ ...propsOf(base), latency_ms: { type: 'number', minimum: 0 }, region: { type: 'string' } }),
      reason: 'field `region` was added but the older schema does not allow additional properties',
    },
    {
      mode: 'FULL',
      pass: closed({ ...propsOf(base), owner: { type: 'string', description: 'owning team' } }),
      fail: closed({ ...propsOf(base), tier: { enum: ['alpha'] } }),
      reason: 'enum value `beta` was removed from field `tier`',
    },
    {
      mode: 'FULL_TRANSITIVE',
      pass: closed({ ...propsOf(base), owner: { type: 'string', title: 'Owner' } }),
      fail: closed({ ...propsOf(base), latency_ms: { type: 'integer' } }),
      reason: 'field `latency_ms` changed type from number to integer',
    },
    { mode: 'NONE', pass: { type: 'string' }, fail: undefined, reason: '' },
  ];

  it.each(cases)('$mode accepts a compatible evolution and refuses a breaking one with the reason', async (c) => {
    const subject = `model_version:${c.mode.toLowerCase()}`;
    expect((await register(subject, base, c.mode)).status).toBe(201);
    const passed = await register(subject, c.pass);
    expect(passed.status, JSON.stringify(passed.body)).toBe(201);
    expect(passed.body.version).toBe(2);
    if (c.fail === undefined) return;
    const check = await api.call<{ compatible: boolean; problems: { reason: string }[] }>(
      'POST',
      `/api/v1/schemas/${subject}/compatibility`,
      { schema: c.fail },
    );
    expect(check.body.compatible).toBe(false);
    expect(check.body.problems.map((p) => p.reason)).toContain(c.reason);
    const refused = await register(subject, c.fail);
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('INVALID_STATE');
    expect(refused.body.message).toContain(c.reason);
    expect(refused.body.problems.map((p) => p.reason)).toContain(c.reason);
    const latest = await api.call<SchemaBody>('GET', `/api/v1/schemas/${subject}/versions/latest`);
    expect(latest.body.version).toBe(2);
  });

  it('lets a subject change mode, after which the same evolution is accepted', async () => {
    await register('model_version:switch', base, 'BACKWARD');
    const breaking = closed(propsOf(base), ['owner']);
    expect((await register('model_version:switch', breaking)).status).toBe(409);
    const config = await api.call<{ compatibility: string }>('PUT', '/api/v1/schemas/model_version:switch/config', {
      compatibility: 'NONE',
    });
    expect(config.body.compatibility).toBe('NONE');
    expect((await register('model_version:switch', breaking)).status).toBe(201);
    const badMode = await api.call<ErrorBody>('PUT', '/api/v1/schemas/model_version:switch/config', {
      compatibility: 'SIDEWAYS',
    });
    expect(badMode.status).toBe(400);
    expect(badMode.body.message).toContain('FULL_TRANSITIVE');
  });

  it('validates model metadata on write, listing every violation, and keeps old records readable', async () => {
    const v1 = {
      type: 'object',
      required: ['ownerTeam'],
      properties: {
        ownerTeam: { type: 'string' },
        latency_ms: { type: 'number' },
        stage_of_life: { enum: ['experimental', 'supported'] },
      },
    };
    expect((await register('model', v1)).status).toBe(201);

    const invalid = await api.call<ErrorBody & { schema: unknown }>('POST', '/api/v1/registered-models', {
      name: 'validated',
      metadata: { latency_ms: 'fast', stage_of_life: 'beta' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(invalid.body.violations).toEqual([
      { path: '/latency_ms', message: 'must be number' },
      { path: '/ownerTeam', message: 'is required' },
      { path: '/stage_of_life', message: 'must be one of "experimental", "supported"' },
    ]);
    expect(invalid.body.message).toContain('/ownerTeam: is required');
    expect((await api.call('GET', '/api/v1/registered-models/validated')).status).toBe(404);

    const created = await api.call<{ registeredModel: ModelBody }>('POST', '/api/v1/registered-models', {
      name: 'validated',
      ownerTeam: 'risk',
      metadata: { latency_ms: 12, stage_of_life: 'supported' },
    });
    expect(created.status).toBe(201);
    expect(created.body.registeredModel.metadataSchema).toEqual({ subject: 'model', version: 1 });

    // A newer schema (with NONE so it may add a requirement) does not make the old record unreadable.
    await api.call('PUT', '/api/v1/schemas/model/config', { compatibility: 'NONE' });
    expect((await register('model', { ...v1, required: ['ownerTeam', 'purpose'] })).body.version).toBe(2);
    const read = await api.call<{ registeredModel: ModelBody }>('GET', '/api/v1/registered-models/validated');
    expect(read.status).toBe(200);
    expect(read.body.registeredModel.metadataSchema).toEqual({ subject: 'model', version: 1 });
    // Updating it keeps its declared version unless it asks for a newer one.
    const touched = await api.call<{ registeredModel: ModelBody }>('PATCH', '/api/v1/registered-models/validated', {
      description: 'still on v1',
    });
    expect(touched.status).toBe(200);
    const upgrade = await api.call<ErrorBody>('PATCH', '/api/v1/registered-models/validated', {
      metadataSchemaVersion: 2,
    });
    expect(upgrade.status).toBe(400);
    expect(upgrade.body.violations).toEqual([{ path: '/purpose', message: 'is required' }]);
    const unknownVersion = await api.call<ErrorBody>('PATCH', '/api/v1/registered-models/validated', {
      metadataSchemaVersion: 7,
    });
    expect(unknownVersion.status).toBe(400);
    expect(unknownVersion.body.message).toContain('Unknown metadata schema version 7');
    const upgraded = await api.call<{ registeredModel: ModelBody }>('PATCH', '/api/v1/registered-models/validated', {
      purpose: 'fraud scoring',
      metadataSchemaVersion: 2,
    });
    expect(upgraded.body.registeredModel.metadataSchema).toEqual({ subject: 'model', version: 2 });
    const clash = await api.call<ErrorBody>('POST', '/api/v1/registered-models', {
      name: 'clash',
      ownerTeam: 'x',
      purpose: 'y',
      metadata: { ownerTeam: 'dup' },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.message).toContain("'ownerTeam'");
  });

  it('validates version metadata against a schema scoped to the model', async () => {
    // The `model` subject from the test above requires these two.
    const model = await api.call('POST', '/api/v1/registered-models', {
      name: 'scoped',
      ownerTeam: 'risk',
      purpose: 'scoring',
    });
    expect(model.status).toBe(201);
    await register('model_version:scoped', {
      type: 'object',
      required: ['releaseNotes', 'training'],
      properties: {
        releaseNotes: { type: 'string' },
        training: closed({ dataset_version: { type: 'string' }, rows: { type: 'integer', minimum: 1 } }, [
          'dataset_version',
        ]),
      },
    });
    const invalid = await api.call<ErrorBody>('POST', '/api/v1/registered-models/scoped/versions', {
      source: await modelSource(api, 'scoped/1'),
      metadata: { training: { rows: 0, color: 'red' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.violations).toEqual([
      { path: '/releaseNotes', message: 'is required' },
      { path: '/training/color', message: 'is not allowed by the schema (additionalProperties is false)' },
      { path: '/training/dataset_version', message: 'is required' },
      { path: '/training/rows', message: 'must be >= 1' },
    ]);
    const ok = await api.call<{ modelVersion: VersionBody }>('POST', '/api/v1/registered-models/scoped/versions', {
      source: await modelSource(api, 'scoped/1'),
      releaseNotes: 'first',
      metadata: { training: { dataset_version: 'tx-2024-06', rows: 1000 } },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.modelVersion.version).toBe(1);
    expect(ok.body.modelVersion.metadataSchema).toEqual({ subject: 'model_version:scoped', version: 1 });
    const validate = await api.call<{ valid: boolean; violations: unknown[] }>(
      'POST',
      '/api/v1/schemas/model_version:scoped/versions/1/validate',
      { document: { releaseNotes: 'x' } },
    );
    expect(validate.body).toEqual({ valid: false, violations: [{ path: '/training', message: 'is required' }] });
  });
});

function propsOf(schema: { properties: Record<string, unknown> }): Record<string, unknown> {
  return schema.properties;
}
