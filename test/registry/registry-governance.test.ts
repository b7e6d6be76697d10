import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { type ErrorBody, type ModelBody, modelSource, type VersionBody } from './registry-helpers.js';

type Report = {
  records: {
    kind: string;
    name: string;
    version: number | null;
    score: number;
    schema: { subject: string; version: number } | null;
    missing: { path: string; level: string }[];
  }[];
  summary: { records: number; averageScore: number; complete: number };
};

describe.each(backends)('registry governance over HTTP on $name', (backend) => {
  const api = useTestServer(backend);

  it('enforces a naming rule on create and rename, quoting the rule', async () => {
    const rule = await api.call('PUT', '/api/v1/naming-rules/model', {
      pattern: '^[a-z][a-z0-9-]*$',
      description: 'lower-case words joined by dashes',
    });
    expect(rule.status).toBe(200);
    const refused = await api.call<ErrorBody>('POST', '/api/v1/registered-models', { name: 'Fraud_Detector' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      "Name 'Fraud_Detector' does not follow the naming rule for model: ^[a-z][a-z0-9-]*$ " +
        '(lower-case words joined by dashes)',
    );
    expect((await api.call('GET', '/api/v1/registered-models/Fraud_Detector')).status).toBe(404);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'fraud-detector' })).status).toBe(201);
    const badRename = await api.call<ErrorBody>('POST', '/api/v1/registered-models/fraud-detector/rename', {
      newName: 'FraudDetector',
    });
    expect(badRename.status).toBe(400);
    expect(badRename.body.message).toContain('^[a-z][a-z0-9-]*$');

    const badPattern = await api.call<ErrorBody>('PUT', '/api/v1/naming-rules/model', { pattern: '^[a-z' });
    expect(badPattern.status).toBe(400);
    const badKind = await api.call<ErrorBody>('PUT', '/api/v1/naming-rules/feature', { pattern: '.*' });
    expect(badKind.status).toBe(400);
    expect(badKind.body.message).toContain('model, model_version, dataset, run');
    const rules = await api.call<{ namingRules: { entityKind: string; pattern: string }[] }>(
      'GET',
      '/api/v1/naming-rules',
    );
    expect(rules.body.namingRules).toEqual([
      { entityKind: 'model', pattern: '^[a-z][a-z0-9-]*$', description: 'lower-case words joined by dashes' },
    ]);
    expect((await api.call('DELETE', '/api/v1/naming-rules/model')).status).toBe(200);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'Now_Allowed' })).status).toBe(201);
  });

  it('checks names against any rule in linear time, so a hostile rule and name cannot stall the server', async () => {
    // Under a backtracking engine this pair takes about 2^40 steps: the request (and /health beside it) would hang.
    expect((await api.call('PUT', '/api/v1/naming-rules/model', { pattern: '^((a+))+$' })).status).toBe(200);
    const [refused, health] = await Promise.all([
      api.call<ErrorBody>('POST', '/api/v1/registered-models', { name: `${'a'.repeat(40)}!` }),
      api.call('GET', '/health'),
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('does not follow the naming rule');
    expect(health.status).toBe(200);
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'a'.repeat(40) })).status).toBe(201);
    const backreference = await api.call<ErrorBody>('PUT', '/api/v1/naming-rules/model', { pattern: '^(a)\\1$' });
    expect(backreference.status).toBe(400);
    expect((await api.call('DELETE', '/api/v1/naming-rules/model')).status).toBe(200);
  });

  it('enforces controlled vocabularies on model and version tags, at creation and when set later', async () => {
    const put = await api.call('PUT', '/api/v1/vocabularies/risk_tier', {
      description: 'how much harm a wrong prediction can do',
      terms: [
        { value: 'low', description: 'internal analytics' },
        { value: 'high', description: 'customer-facing decisions' },
      ],
    });
    expect(put.status).toBe(200);
    const allowed = "allowed values: 'low' (internal analytics), 'high' (customer-facing decisions)";

    const refused = await api.call<ErrorBody>('POST', '/api/v1/registered-models', {
      name: 'tiered',
      tags: { risk_tier: 'medium' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(`Tag 'risk_tier' does not allow value 'medium'; ${allowed}`);
    expect((await api.call('GET', '/api/v1/registered-models/tiered')).status).toBe(404);

    const created = await api.call<{ registeredModel: ModelBody }>('POST', '/api/v1/registered-models', {
      name: 'tiered',
      tags: { risk_tier: 'high', team: 'free text is fine' },
    });
    expect(created.status).toBe(201);
    const later = await api.call<ErrorBody>('PUT', '/api/v1/registered-models/tiered/tags', {
      tags: { risk_tier: 'extreme' },
    });
    expect(later.status).toBe(400);
    expect(later.body.message).toContain(allowed);
    const unchanged = await api.call<{ registeredModel: ModelBody }>('GET', '/api/v1/registered-models/tiered');
    expect(unchanged.body.registeredModel.tags.risk_tier).toBe('high');

    const version = await api.call<ErrorBody>('POST', '/api/v1/registered-models/tiered/versions', {
      source: await modelSource(api, 'tiered/1'),
      tags: { risk_tier: 'none' },
    });
    expect(version.status).toBe(400);
    const ok = await api.call<{ modelVersion: VersionBody }>('POST', '/api/v1/registered-models/tiered/versions', {
      source: await modelSource(api, 'tiered/1'),
      tags: { risk_tier: 'low' },
    });
    expect(ok.body.modelVersion.version).toBe(1);
    const versionLater = await api.call<ErrorBody>('PUT', '/api/v1/registered-models/tiered/versions/1/tags', {
      tags: { risk_tier: 'medium' },
    });
    expect(versionLater.status).toBe(400);

    const glossary = await api.call<{ terms: { value: string }[] }>('GET', '/api/v1/vocabularies/risk_tier');
    expect(glossary.body.terms.map((t) => t.value)).toEqual(['low', 'high']);
    const duplicate = await api.call('PUT', '/api/v1/vocabularies/risk_tier', {
      terms: [
        { value: 'a', description: null },
        { value: 'a', description: null },
      ],
    });
    expect(duplicate.status).toBe(400);
    expect((await api.call('DELETE', '/api/v1/vocabularies/risk_tier')).status).toBe(200);
    expect((await api.call('GET', '/api/v1/vocabularies/risk_tier')).status).toBe(404);
  });

  it('scores completeness against the kind schema and lists what each record is missing', async () => {
    const schema = {
      type: 'object',
      required: ['ownerTeam'],
      'x-recommended': ['description', 'intendedUse', 'limitations'],
      properties: {
        ownerTeam: { type: 'string' },
        description: { type: 'string' },
        intendedUse: { type: 'string' },
        limitations: { type: 'string' },
      },
    };
    expect((await api.call('POST', '/api/v1/schemas/model:complete-a/versions', { schema })).status).toBe(201);
    expect((await api.call('POST', '/api/v1/schemas/model:complete-b/versions', { schema })).status).toBe(201);
    await api.call('POST', '/api/v1/registered-models', {
      name: 'complete-a',
      ownerTeam: 'risk',
      description: 'scores payments',
      intendedUse: 'online scoring',
      limitations: 'cards only',
    });
    await api.call('POST', '/api/v1/registered-models', { name: 'complete-b', ownerTeam: 'vision' });
    await api.call('POST', '/api/v1/schemas/model_version:complete-b/versions', {
      schema: {
        type: 'object',
        required: ['source'],
        'x-recommended': ['releaseNotes', 'signature', 'evaluation'],
        properties: { evaluation: { type: 'object', 'x-recommended': ['auc'] } },
      },
    });
    await api.call('POST', '/api/v1/registered-models/complete-b/versions', {
      source: await modelSource(api, 'complete-b/1'),
      releaseNotes: 'first',
      metadata: { evaluation: { f1: 0.7 } },
    });

    const report = await api.call<Report>('GET', '/api/v1/registry/completeness?kind=model');
    const byName = new Map(report.body.records.map((r) => [r.name, r]));
    expect(byName.get('complete-a')).toMatchObject({
      score: 1,
      missing: [],
      schema: { subject: 'model:complete-a', version: 1 },
    });
    expect(byName.get('complete-b')).toMatchObject({
      score: 0.25,
      missing: [
        { path: 'description', level: 'recommended' },
        { path: 'intendedUse', level: 'recommended' },
        { path: 'limitations', level: 'recommended' },
      ],
    });

    const versions = await api.call<Report>('GET', '/api/v1/registry/completeness?kind=model_version&name=complete-b');
    expect(versions.body.records).toEqual([
      {
        kind: 'model_version',
        name: 'complete-b',
        version: 1,
        schema: { subject: 'model_version:complete-b', version: 1 },
        score: 0.6,
        present: 3,
        expected: 5,
        missing: [
          { path: 'signature', level: 'recommended' },
          { path: 'evaluation.auc', level: 'recommended' },
        ],
      },
    ]);

    const gaps = await api.call<Report>('GET', '/api/v1/registry/completeness?kind=model&maxScore=0.5');
    expect(gaps.body.records.map((r) => r.name)).toContain('complete-b');
    expect(gaps.body.records.map((r) => r.name)).not.toContain('complete-a');
    expect(gaps.body.summary.complete).toBe(0);

    // Filling the gaps raises the score.
    await api.call('PATCH', '/api/v1/registered-models/complete-b', {
      description: 'detects objects',
      intendedUse: 'warehouse cameras',
    });
    const after = await api.call<Report>('GET', '/api/v1/registry/completeness?name=complete-b&kind=model');
    expect(after.body.records[0]).toMatchObject({ score: 0.75, missing: [{ path: 'limitations' }] });
    expect((await api.call('GET', '/api/v1/registry/completeness?maxScore=2')).status).toBe(400);
  });

  it('pages the completeness report in name and version order, with a summary of every record on each page', async () => {
    for (const name of ['page-c', 'page-a', 'page-e', 'page-b', 'page-d']) {
      expect((await api.call('POST', '/api/v1/registered-models', { name })).status).toBe(201);
    }
    for (const [name, count] of [
      ['page-b', 2],
      ['page-d', 3],
    ] as const) {
      for (let i = 1; i <= count; i++) {
        const source = await modelSource(api, `${name}/${i}`);
        expect((await api.call('POST', `/api/v1/registered-models/${name}/versions`, { source })).status).toBe(201);
      }
    }
    const everything = (
      await api.call<Report & { nextPageToken?: string }>('GET', '/api/v1/registry/completeness?maxResults=1000')
    ).body;
    expect(everything.nextPageToken).toBeUndefined();
    const keyOf = (r: Report['records'][number]) => `${r.name}#${r.version ?? 0}`;
    const paged: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ maxResults: '3', ...(token ? { pageToken: token } : {}) });
      const { status, body } = await api.call<Report & { nextPageToken?: string }>(
        'GET',
        `/api/v1/registry/completeness?${query}`,
      );
      expect(status).toBe(200);
      expect(body.records.length).toBeLessThanOrEqual(3);
      expect(body.summary).toEqual(everything.summary);
      paged.push(...body.records.map(keyOf));
      token = body.nextPageToken;
      pages++;
    } while (token && pages < 100);
    expect(paged).toEqual(everything.records.map(keyOf));
    expect(new Set(paged).size).toBe(paged.length);
    const pageRecords = paged.filter((k) => k.startsWith('page-'));
    expect(pageRecords).toEqual([
      'page-a#0',
      'page-b#0',
      'page-b#1',
      'page-b#2',
      'page-c#0',
      'page-d#0',
      'page-d#1',
      'page-d#2',
      'page-d#3',
      'page-e#0',
    ]);
    expect(everything.summary.records).toBe(everything.records.length);

    for (const bad of [
      'maxResults=0',
      'maxResults=1001',
      'pageToken=not-a-token',
      `pageToken=${Buffer.from('{"n":1}').toString('base64url')}`,
    ]) {
      const reply = await api.call<ErrorBody>('GET', `/api/v1/registry/completeness?${bad}`);
      expect(reply.status, bad).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('records evaluation results per slice and fairness and drift checks on a version', async () => {
    await api.call('POST', '/api/v1/registered-models', { name: 'evaluated' });
    await api.call('POST', '/api/v1/registered-models/evaluated/versions', { source: await modelSource(api, 'ev/1') });
    const recorded = await api.call<{ evaluations: { metric: string; slice: string; value: number }[] }>(
      'POST',
      '/api/v1/registered-models/evaluated/versions/1/evaluations',
      {
        results: [
          { metric: 'auc', value: 0.91, datasetVersion: 'tx-2024-06' },
          { metric: 'auc', value: 0.84, slice: 'country=DE', datasetVersion: 'tx-2024-06' },
        ],
      },
    );
    expect(recorded.status).toBe(201);
    expect(recorded.body.evaluations.map((e) => [e.metric, e.slice, e.value])).toEqual([
      ['auc', 'all', 0.91],
      ['auc', 'country=DE', 0.84],
    ]);
    const checks = await api.call<{ checks: { kind: string; name: string; passed: boolean }[] }>(
      'POST',
      '/api/v1/registered-models/evaluated/versions/1/checks',
      {
        checks: [
          { kind: 'fairness', name: 'demographic_parity', passed: true, value: 0.03, threshold: 0.05, slice: 'gender' },
          { kind: 'drift', name: 'psi', passed: false, value: 0.31, threshold: 0.2, details: { feature: 'amount' } },
        ],
      },
    );
    expect(checks.status).toBe(201);
    expect(checks.body.checks.map((c) => [c.kind, c.name, c.passed])).toEqual([
      ['drift', 'psi', false],
      ['fairness', 'demographic_parity', true],
    ]);
    const badKind = await api.call('POST', '/api/v1/registered-models/evaluated/versions/1/checks', {
      checks: [{ kind: 'vibes', name: 'x', passed: true }],
    });
    expect(badKind.status).toBe(400);
    const missingVersion = await api.call('POST', '/api/v1/registered-models/evaluated/versions/5/evaluations', {
      results: [{ metric: 'auc', value: 1 }],
    });
    expect(missingVersion.status).toBe(404);
    const listed = await api.call<{ evaluations: unknown[] }>(
      'GET',
      '/api/v1/registered-models/evaluated/versions/1/evaluations',
    );
    expect(listed.body.evaluations).toHaveLength(2);
  });

  it('describes the registry in the OpenAPI document', async () => {
    const doc = await api.call<{ paths: Record<string, unknown> }>('GET', '/api/v1/openapi.json');
    for (const path of [
      '/registered-models',
      '/registered-models/{name}/versions',
      '/registered-models/{name}/versions/{version}/stage',
      '/registered-models/{name}/aliases/{alias}',
      '/schemas/{subject}/versions',
      '/vocabularies',
      '/naming-rules',
      '/registry/completeness',
    ]) {
      expect(Object.keys(doc.body.paths), path).toContain(path);
    }
  });
});
