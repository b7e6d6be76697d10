import { beforeAll, describe, expect, it } from 'vitest';
import type { Completions, SearchResults } from '../../src/sdk/wire/search-shapes.js';
import { upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';

/**
 * Discovery over a small seeded corpus. The expected rankings were written down before the search was built:
 *
 * - "fraud": the model named exactly "fraud" first; models with "fraud" in their name (fraud-detector) above models
 *   that only mention it in a description (churn-predictor) or a tag value (payments-ranker).
 * - "fraud detector": fraud-detector first (exact name, punctuation aside).
 * - "fraud-detector" among model versions: v1 (Production) above v2 (None), though v2 is newer.
 * - no words: everything, the most recently changed first.
 * - "fruad" completes to fraud… names (a typo), "fraud-detcetor" to fraud-detector (a swap).
 */
describe.each(backends)('discovery search on $name', (backend) => {
  const api = useTestServer(backend);
  const ids = { baselineRun: '', tunedRun: '', churnRun: '' };

  const search = async (params: Record<string, string | string[]>) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
    return ok<SearchResults>(api, 'GET', `/api/v1/search?${query}`);
  };
  const names = (results: SearchResults) => results.hits.map((h) => h.name);

  beforeAll(async () => {
    const fraudLab = await given(api).experiment('fraud-experiments');
    await ok(api, 'PUT', `/api/v1/experiments/${fraudLab.experimentId}/tags`, { tags: { area: 'payments' } });
    const churnLab = await given(api).experiment('churn-lab');
    const baseline = await fraudLab.run({ runName: 'fraud-baseline' });
    await baseline.log({ params: { max_depth: '6' }, metrics: [{ key: 'auc', value: 0.91, step: 0, timestamp: 1 }] });
    const tuned = await fraudLab.run({ runName: 'gbm-tuned' });
    await tuned.log({ params: { max_depth: '8' }, metrics: [{ key: 'auc', value: 0.88, step: 0, timestamp: 1 }] });
    const churn = await churnLab.run({ runName: 'churn-1' });
    await churn.log({ metrics: [{ key: 'auc', value: 0.7, step: 0, timestamp: 1 }] });
    Object.assign(ids, { baselineRun: baseline.runId, tunedRun: tuned.runId, churnRun: churn.runId });

    // Lineage: the baseline run read a dataset version and a feature derived from it.
    const dataset = await ok<{ id: string; nodeId: string }>(api, 'POST', '/api/v1/lineage/dataset-versions', {
      namespace: 's3://lake',
      name: 'transactions',
      version: '2026-01',
    });
    const feature = await ok<{ nodeId: string }>(api, 'POST', '/api/v1/lineage/features', {
      name: 'customer_age',
      version: '1',
      description: 'Age of the customer in years',
      inputDatasetVersionIds: [dataset.id],
    });
    for (const from of [dataset.nodeId, feature.nodeId]) {
      await ok(api, 'POST', '/api/v1/lineage/edges', { from, to: `run:${baseline.runId}`, type: 'consumed' });
    }

    const models = given(api);
    await models.registeredModel('fraud', { description: 'Legacy rule engine', ownerTeam: 'risk' });
    await models.registeredModel('fraud-detector', {
      description: 'Scores card payments for fraud',
      ownerTeam: 'risk',
      taskType: 'classification',
      algorithmFamily: 'gradient boosting',
      latencyBudgetMs: 50,
      tags: { domain: 'payments' },
    });
    await models.registeredModel('churn-predictor', {
      description: 'Predicts churn; flags accounts for fraud review',
      ownerTeam: 'growth',
      taskType: 'classification',
    });
    await models.registeredModel('payments-ranker', {
      description: 'Ranks payment methods',
      ownerTeam: 'payments',
      tags: { use: 'fraud screening' },
    });
    for (const run of [baseline, tuned]) await upload(api, run.runId, 'model/model.pkl', `weights-${run.runId}`);
    await models.modelVersion('fraud-detector', baseline.runId, 'model', { releaseNotes: 'First release' });
    await ok(api, 'POST', '/api/v1/registered-models/fraud-detector/versions/1/stage', { stage: 'Production' });
    await ok(api, 'PUT', '/api/v1/registered-models/fraud-detector/aliases/champion', { version: '1' });
    await models.modelVersion('fraud-detector', tuned.runId, 'model', { releaseNotes: 'Deeper trees' });
  });

  it('ranks an exact name first, then names above descriptions and tags', async () => {
    const fraud = await search({ q: 'fraud', type: 'model' });
    expect(names(fraud)[0]).toBe('fraud');
    expect(names(fraud).indexOf('fraud-detector')).toBe(1);
    expect(names(fraud)).toEqual(expect.arrayContaining(['churn-predictor', 'payments-ranker']));
    expect(fraud.total).toBe(4);
    expect(names(await search({ q: 'fraud detector' }))[0]).toBe('fraud-detector');
  });

  it('boosts the version in Production', async () => {
    const versions = await search({ q: 'fraud-detector', type: 'model_version' });
    expect(names(versions)).toEqual(['fraud-detector v1', 'fraud-detector v2']);
    expect(versions.hits[0]!.stage).toBe('Production');
  });

  it('searches every type, grouped, highlighted and paged', async () => {
    const all = await search({ q: 'fraud' });
    const types = Object.fromEntries(all.facets.types.map((t) => [t.value, t.count]));
    expect(types).toMatchObject({ model: 4, model_version: 2, experiment: 1, run: 1 });
    expect(all.groups.map((g) => g.type)).toContain('model');
    const detector = all.hits.find((h) => h.name === 'fraud-detector')!;
    expect(detector.highlights).toContainEqual({
      field: 'description',
      segments: [
        { text: 'Scores card payments for ', match: false },
        { text: 'fraud', match: true },
      ],
    });
    const first = await search({ q: 'fraud', maxResults: '3' });
    expect(first.hits).toHaveLength(3);
    const second = await search({ q: 'fraud', maxResults: '3', pageToken: first.nextPageToken! });
    const paged = [...first.hits, ...second.hits].map((h) => `${h.type}:${h.id}`);
    expect(new Set(paged).size).toBe(6);
    expect(paged).toEqual(all.hits.slice(0, 6).map((h) => `${h.type}:${h.id}`));
    // Paging back: the first page has no page before it; the second leads back to the first.
    expect(first.previousPageToken).toBeUndefined();
    const back = await search({ q: 'fraud', maxResults: '3', pageToken: second.previousPageToken! });
    expect(back.hits.map((h) => `${h.type}:${h.id}`)).toEqual(paged.slice(0, 3));
    expect(back.previousPageToken).toBeUndefined();
    expect(back.nextPageToken).toBe(first.nextPageToken);
    // From a page that does not start at a multiple of the page size, back stops at the first result.
    const shifted = await search({ q: 'fraud', maxResults: '4', pageToken: first.nextPageToken! });
    const before = await search({ q: 'fraud', maxResults: '4', pageToken: shifted.previousPageToken! });
    expect(before.hits.map((h) => `${h.type}:${h.id}`)).toEqual(all.hits.slice(0, 4).map((h) => `${h.type}:${h.id}`));
  });

  it('lists everything by recency for an empty query', async () => {
    const recent = await search({});
    const times = recent.hits.map((h) => h.updatedTime);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(recent.total).toBeGreaterThanOrEqual(12);
  });

  it('counts facets over the query and narrows by them', async () => {
    const fraud = await search({ q: 'fraud', type: 'model' });
    expect(fraud.facets.terms.team).toEqual([
      { value: 'risk', count: 2 },
      { value: 'growth', count: 1 },
      { value: 'payments', count: 1 },
    ]);
    expect(fraud.facets.terms.task_type).toEqual([{ value: 'classification', count: 2 }]);
    const risk = await search({ q: 'fraud', type: 'model', facet: 'team=risk' });
    expect(names(risk).sort()).toEqual(['fraud', 'fraud-detector']);
    // The team facet's own selection does not narrow its counts (see the disjunctive facets test below).
    expect(risk.facets.terms.team).toEqual(fraud.facets.terms.team);
    const versions = await search({ q: 'fraud detector', type: 'model_version' });
    expect(versions.facets.terms.stage).toEqual([
      { value: 'None', count: 1 },
      { value: 'Production', count: 1 },
    ]);
    expect(names(await search({ facet: ['alias=champion'], type: 'model_version' }))).toEqual(['fraud-detector v1']);
    expect(names(await search({ facet: 'tag.domain=payments' }))).toEqual(['fraud-detector']);
    expect(names(await search({ facet: 'tag.area=payments' }))).toEqual(['fraud-experiments']);
    expect(names(await search({ q: 'screening' }))).toEqual(['payments-ranker']);
  });

  it('counts a chosen facet without its own selection, other facets narrowing it (disjunctive facets)', async () => {
    // Written down before the counting: team=risk leaves fraud and fraud-detector, yet the team counts stay those of
    // all four fraud models (so growth and payments can be added); task_type counts only the two risk models.
    const risk = await search({ q: 'fraud', type: 'model', facet: 'team=risk' });
    expect(names(risk).sort()).toEqual(['fraud', 'fraud-detector']);
    expect(risk.total).toBe(2);
    expect(risk.facets.terms.team).toEqual([
      { value: 'risk', count: 2 },
      { value: 'growth', count: 1 },
      { value: 'payments', count: 1 },
    ]);
    expect(risk.facets.terms.task_type).toEqual([{ value: 'classification', count: 1 }]);
    // Type counts ignore the type filter, not the team: fraud-detector's two versions carry its team.
    expect(risk.facets.types).toEqual([
      { value: 'model', count: 2 },
      { value: 'model_version', count: 2 },
    ]);

    // Two values of one facet are alternatives; another facet's selection narrows the team counts.
    const either = await search({ q: 'fraud', type: 'model', facet: ['team=risk', 'team=growth'] });
    expect(names(either).sort()).toEqual(['churn-predictor', 'fraud', 'fraud-detector']);
    const classified = await search({ q: 'fraud', type: 'model', facet: ['team=risk', 'task_type=classification'] });
    expect(names(classified)).toEqual(['fraud-detector']);
    expect(classified.facets.terms.team).toEqual([
      { value: 'growth', count: 1 },
      { value: 'risk', count: 1 },
    ]);
    expect(classified.facets.terms.task_type).toEqual([{ value: 'classification', count: 1 }]);

    // Choosing stage=Production still shows how many versions are in None.
    const production = await search({ q: 'fraud detector', type: 'model_version', facet: 'stage=Production' });
    expect(names(production)).toEqual(['fraud-detector v1']);
    expect(production.facets.terms.stage).toEqual([
      { value: 'None', count: 1 },
      { value: 'Production', count: 1 },
    ]);
    expect(production.facets.terms.alias).toEqual([{ value: 'champion', count: 1 }]);

    // A tag key is a facet of its own: tag.domain=payments leaves the other domains' counts, and narrows the rest.
    const payments = await search({ q: 'fraud', type: 'model', facet: 'tag.domain=payments' });
    expect(names(payments)).toEqual(['fraud-detector']);
    expect(payments.facets.terms.tag).toEqual([{ value: 'domain=payments', count: 1 }]);
    expect(payments.facets.terms.team).toEqual([{ value: 'risk', count: 1 }]);
    const usedFor = await search({ q: 'fraud', type: 'model', facet: 'tag.use=fraud screening' });
    expect(names(usedFor)).toEqual(['payments-ranker']);
    expect(usedFor.facets.terms.tag).toEqual([{ value: 'use=fraud screening', count: 1 }]);
  });

  it('narrows by numeric and time ranges', async () => {
    const good = await search({ facet: 'metric.auc=0.85..0.95', type: 'run' });
    expect(names(good).sort()).toEqual(['fraud-baseline', 'gbm-tuned']);
    const auc = good.facets.numbers.find((n) => n.key === 'auc')!;
    expect(auc).toEqual({ key: 'auc', min: 0.88, max: 0.91, count: 2 });
    expect(names(await search({ facet: 'metric.auc=0.9..', type: 'model_version' }))).toEqual(['fraud-detector v1']);
    expect((await search({ facet: 'latency_budget_ms=..100' })).hits.map((h) => h.name)).toContain('fraud-detector');
    expect((await search({ facet: 'created=..2000-01-01' })).total).toBe(0);
    expect((await search({ facet: `updated=${Date.now() - 3_600_000}..` })).total).toBeGreaterThan(10);
  });

  it('narrows by the datasets and features a run or version used', async () => {
    const byDataset = await search({ facet: 'dataset=transactions', type: ['run', 'model_version'] });
    expect(names(byDataset).sort()).toEqual(['fraud-baseline', 'fraud-detector v1']);
    const byFeature = await search({ facet: 'feature=customer_age', type: ['run', 'model_version'] });
    expect(names(byFeature).sort()).toEqual(['fraud-baseline', 'fraud-detector v1']);
    expect(byFeature.facets.terms.dataset).toEqual([{ value: 'transactions', count: 2 }]);
    expect(names(await search({ q: 'customer age' }))).toContain('customer_age');
  });

  it('keeps the index current as entities change', async () => {
    await ok(api, 'PATCH', '/api/v1/registered-models/payments-ranker', {
      description: 'Ranks payment methods by cost',
    });
    expect(names(await search({ q: 'cost' }))).toEqual(['payments-ranker']);
    await ok(api, 'POST', '/api/v1/registered-models/payments-ranker/rename', { newName: 'payments-orderer' });
    expect(names(await search({ q: 'ranker', type: 'model' }))).toEqual([]);
    expect(names(await search({ q: 'orderer' }))).toEqual(['payments-orderer']);
    await ok(api, 'DELETE', `/api/v1/runs/${ids.churnRun}`);
    expect(names(await search({ q: 'churn', type: 'run' }))).toEqual([]);
    // A later point moves a run out of a metric range; a new metric key makes it findable by that key.
    await ok(api, 'POST', `/api/v1/runs/${ids.tunedRun}/batch`, {
      metrics: [{ key: 'auc', value: 0.6, step: 1, timestamp: 2 }],
    });
    expect(names(await search({ facet: 'metric.auc=0.85..0.95', type: 'run' }))).toEqual(['fraud-baseline']);
    expect(names(await search({ facet: 'metric.auc=..0.7', type: 'run' }))).toEqual(['gbm-tuned']);
    expect(names(await search({ q: 'precision_at_k', type: 'run' }))).toEqual([]);
    await ok(api, 'POST', `/api/v1/runs/${ids.tunedRun}/batch`, {
      metrics: [{ key: 'precision_at_k', value: 0.5, step: 0, timestamp: 3 }],
    });
    expect(names(await search({ q: 'precision_at_k', type: 'run' }))).toEqual(['gbm-tuned']);
  });

  it('keeps the metric values of a run without model versions current through batches of metrics only', async () => {
    const lab = await given(api).experiment('streaming-lab');
    const run = await lab.run({ runName: 'streaming-trainer' });
    await run.log({ metrics: [{ key: 'recall', value: 0.2, step: 0, timestamp: 1 }] });
    const high = async () => names(await search({ facet: 'metric.recall=0.9..1', type: 'run' }));
    expect(await high()).toEqual([]);
    await run.log({ metrics: [{ key: 'recall', value: 0.95, step: 1, timestamp: 2 }] });
    expect(await high()).toEqual(['streaming-trainer']);
    // A point older than the latest one changes nothing.
    await run.log({ metrics: [{ key: 'recall', value: 0.1, step: 0, timestamp: 0 }] });
    expect(await high()).toEqual(['streaming-trainer']);
    await run.log({ metrics: [{ key: 'recall', value: 0.5, step: 2, timestamp: 3 }] });
    expect(await high()).toEqual([]);
    expect(names(await search({ facet: 'metric.recall=0.4..0.6', type: 'run' }))).toEqual(['streaming-trainer']);
    // A latest point that is NaN takes the key's value out of every range, and a finite one brings it back.
    await run.log({ metrics: [{ key: 'recall', value: 'NaN' as unknown as number, step: 3, timestamp: 4 }] });
    expect(names(await search({ facet: 'metric.recall=0..1', type: 'run' }))).toEqual([]);
    await run.log({ metrics: [{ key: 'recall', value: 0.55, step: 4, timestamp: 5 }] });
    expect(names(await search({ facet: 'metric.recall=0.4..0.6', type: 'run' }))).toEqual(['streaming-trainer']);
    // A batch that brings a new key makes the run findable by it, as a full reindex does.
    await run.log({ metrics: [{ key: 'f1', value: 0.7, step: 0, timestamp: 4 }] });
    expect(names(await search({ q: 'f1', type: 'run' }))).toEqual(['streaming-trainer']);
    expect(names(await search({ facet: 'metric.f1=0.6..0.8', type: 'run' }))).toEqual(['streaming-trainer']);
  });

  it('treats query syntax as text', async () => {
    for (const q of [
      '"fraud',
      'fraud*',
      'fraud NEAR detector',
      'NEAR(fraud detector)',
      '-fraud',
      'name:fraud',
      '(fraud',
      'fraud)',
      '--',
      "fraud' OR 1=1 --",
      '🚀 fraud 🚀',
      'x'.repeat(10_000),
      '\\',
      '%_',
      'AND OR NOT',
    ]) {
      const reply = await api.call('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(reply.status, q.slice(0, 40)).toBe(200);
    }
    expect(names(await search({ q: '"fraud-detector*' }))[0]).toBe('fraud-detector');
    expect(names(await search({ q: '-(fraud)' }))[0]).toBe('fraud');
  });

  it('refuses a facet or range that does not parse, naming it', async () => {
    for (const [facet, named] of [
      ['metric.auc=high..1', 'high'],
      ['colour=red', 'colour'],
      ['created=tomorrow..', 'tomorrow'],
      ['stage', 'stage'],
    ] as const) {
      const reply = await api.call<{ error_code: string; message: string }>(
        'GET',
        `/api/v1/search?facet=${encodeURIComponent(facet)}`,
      );
      expect(reply.status).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(reply.body.message).toContain(named);
    }
    expect((await api.call('GET', '/api/v1/search?type=widget')).status).toBe(400);
  });

  it('completes names, keys and owners, forgiving typos', async () => {
    const complete = async (prefix: string, kind?: string) =>
      (
        await ok<Completions>(
          api,
          'GET',
          `/api/v1/search/autocomplete?prefix=${encodeURIComponent(prefix)}${kind ? `&kind=${kind}` : ''}`,
        )
      ).completions;
    const prefixed = await complete('fraud-d', 'name');
    // Prefix matches first; near misses (within a typo of what was typed) follow them.
    const exact = prefixed.filter((c) => c.distance === 0);
    expect(exact.map((c) => c.value).sort()).toEqual(['fraud-detector', 'fraud-detector v1', 'fraud-detector v2']);
    expect(prefixed.slice(0, 3)).toEqual(exact);
    const typo = await complete('fruad', 'name');
    expect(typo.map((c) => c.value)).toContain('fraud-detector');
    expect(typo.find((c) => c.value === 'fraud')).toMatchObject({ distance: 1, count: 1 });
    expect((await complete('fraud-detcetor', 'name')).map((c) => c.value)).toContain('fraud-detector');
    // Two runs and two versions: the third run was deleted above.
    expect(await complete('au', 'metric_key')).toEqual([{ kind: 'metric_key', value: 'auc', count: 4, distance: 0 }]);
    expect((await complete('max_d', 'param_key')).map((c) => c.value)).toEqual(['max_depth']);
    expect((await complete('doma', 'tag_key')).map((c) => c.value)).toEqual(['domain']);
    expect((await complete('ris', 'owner')).map((c) => c.value)).toEqual(['risk']);
    expect(await complete('zzzzqqq')).toEqual([]);
    expect((await api.call('GET', '/api/v1/search/autocomplete?prefix=x&kind=colour')).status).toBe(400);
  });

  it('completes a typo early in a word, from the values documents hold now', async () => {
    const complete = async (prefix: string, kind: string) =>
      (
        await ok<Completions>(
          api,
          'GET',
          `/api/v1/search/autocomplete?prefix=${encodeURIComponent(prefix)}&kind=${kind}`,
        )
      ).completions;
    // The swap is in the first word, so no shorter prefix of what was typed finds it: the trigram index does.
    expect(await complete('chrun-predictor', 'name')).toContainEqual({
      kind: 'name',
      value: 'churn-predictor',
      count: 1,
      distance: 1,
    });
    const lab = await given(api).experiment('vocabulary-lab');
    const first = await lab.run({ runName: 'vocabulary-1' });
    const second = await lab.run({ runName: 'vocabulary-2' });
    for (const run of [first, second]) await run.log({ params: { warmup_schedule: 'cosine' } });
    const suggested = async () =>
      (await complete('wramup_schedule', 'param_key')).filter((c) => c.value === 'warmup_schedule');
    const terms = async (value: string) =>
      (await api.server.store.db.selectFrom('search_terms').select('facet').where('value', '=', value).execute())
        .length;
    expect(await suggested()).toEqual([{ kind: 'param_key', value: 'warmup_schedule', count: 2, distance: 1 }]);
    // A value stays while any document holds it, and goes with the last one.
    await ok(api, 'DELETE', `/api/v1/runs/${first.runId}`);
    expect(await suggested()).toEqual([{ kind: 'param_key', value: 'warmup_schedule', count: 1, distance: 1 }]);
    expect(await terms('warmup_schedule')).toBe(1);
    await ok(api, 'DELETE', `/api/v1/runs/${second.runId}`);
    expect(await suggested()).toEqual([]);
    expect(await terms('warmup_schedule')).toBe(0);
    // A renamed entity's old name is no longer a term.
    await given(api).registeredModel('vocabulary-model');
    expect(await terms('vocabulary-model')).toBe(1);
    await ok(api, 'POST', '/api/v1/registered-models/vocabulary-model/rename', { newName: 'lexicon-model' });
    expect(await terms('vocabulary-model')).toBe(0);
    expect((await complete('lexicno-model', 'name')).map((c) => c.value)).toEqual(['lexicon-model']);
  });
});
