import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinPolicies } from './builtin-policies.js';
import { parseTarget, policiesFor, validatePolicyName } from './policy.js';
import { latestChecks, policyContext, protectedAttributes, type VersionRecord } from './policy-context.js';
import { compileRule, evaluateRule, positionOf } from './policy-language.js';
import { judge } from './policy-verdict.js';

const NOW = Date.UTC(2026, 0, 10);

function record(overrides: Partial<VersionRecord> = {}): VersionRecord {
  return {
    model: {
      name: 'credit',
      creationTime: 0,
      lastUpdatedTime: 0,
      tags: [{ key: 'team', value: 'risk' }],
      aliases: [],
      metadata: { protected_attributes: ['sex', 'age'] },
      metadataSchema: null,
      description: null,
      ownerTeam: 'risk',
      purpose: null,
      algorithmFamily: null,
      taskType: null,
      intendedUse: null,
      limitations: null,
      latencyBudgetMs: null,
      regulatoryFlags: [],
    },
    version: {
      name: 'credit',
      version: 3,
      creationTime: NOW - 2 * 86_400_000,
      lastUpdatedTime: NOW,
      userId: 'ana',
      description: null,
      source: 'runs:/r1/model',
      runId: 'r1',
      status: 'READY',
      statusMessage: null,
      stage: 'Staging',
      aliases: [],
      tags: [],
      manifestDigest: 'sha256:0',
      fileCount: 1,
      totalSize: 1,
      sourceWithoutFiles: false,
      loggedModelId: null,
      signature: null,
      releaseNotes: null,
      deprecation: { deprecatedBy: null, sunsetTime: null },
      metadata: {},
      metadataSchema: null,
    },
    run: {
      info: {
        runId: 'r1',
        experimentId: '1',
        runName: 'train',
        userId: 'ana',
        status: 'FINISHED',
        startTime: 0,
        endTime: 1,
        artifactUri: '',
        lifecycleStage: 'active',
        parentRunId: null,
      },
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [{ key: 'auc', value: 0.93, step: 0, timestamp: 0 }],
      tags: [{ key: 'mlflow.note.content', value: 'Negative results: deeper trees overfit' }],
      inputs: [],
      modelOutputs: [],
      modelInputs: [],
    },
    evaluations: [
      { metric: 'recall', value: 0.85, slice: 'all', datasetVersion: null, recordedTime: 1 },
      { metric: 'recall', value: 0.82, slice: 'country=DE', datasetVersion: null, recordedTime: 1 },
    ],
    checks: [check('fairness', 'parity', 'sex', true, 1), check('fairness', 'parity', 'age', true, 1)],
    needsRevalidation: false,
    metadataCompleteness: { score: 1, missing: [] },
    lineage: {
      linked: { files: true, data: true, code: true, environment: true, features: false, evaluation: true },
      missing: ['features'],
      score: 0.83,
      datasets: [
        {
          namespace: 'lake',
          name: 'loans',
          version: 'v7',
          qualityChecks: [{ name: 'no-nulls', passed: true, column: null, value: null }],
        },
      ],
      dependencies: [],
    },
    approvals: null,
    ...overrides,
  };
}

function check(kind: 'fairness' | 'drift', name: string, slice: string, passed: boolean, recordedTime: number) {
  return { kind, name, passed, value: 0.02, threshold: 0.05, slice, datasetVersion: null, details: {}, recordedTime };
}

const ctx = (r: VersionRecord = record()) => policyContext(r, { stage: 'Production' }, NOW);
const run = (expression: string, r?: VersionRecord) => evaluateRule('r', expression, ctx(r));

describe('policy rules in CEL', () => {
  it('reads source-run metrics, params, notes and tags', () => {
    expect(run('run.metrics.auc >= 0.9').passed).toBe(true);
    expect(run('run.params.lr == "0.1"').passed).toBe(true);
    expect(run('run.note.contains("Negative results")').passed).toBe(true);
    const failed = run('run.metrics.auc >= 0.95');
    expect(failed).toEqual({ passed: false, error: null, seen: { 'run.metrics.auc': 0.93 } });
  });

  it('expresses "a fairness check passed for every protected attribute listed on the model"', () => {
    const rule =
      'model.protected_attributes.all(a, version.checks.exists(c, c.kind == "fairness" && c.slice == a && c.passed))';
    expect(run(rule).passed).toBe(true);
    const onlySex = record({ checks: [check('fairness', 'parity', 'sex', true, 1)] });
    const outcome = run(rule, onlySex);
    expect(outcome.passed).toBe(false);
    expect(outcome.seen['model.protected_attributes']).toEqual(['sex', 'age']);
    expect(outcome.seen['version.checks']).toEqual([expect.objectContaining({ slice: 'sex', passed: true })]);
  });

  it('expresses "no slice\'s recall below 0.8" and "training data passed its quality checks"', () => {
    expect(run('version.evaluations.all(e, e.metric != "recall" || e.value >= 0.8)').passed).toBe(true);
    const low = record({
      evaluations: [{ metric: 'recall', value: 0.6, slice: 'age<25', datasetVersion: null, recordedTime: 1 }],
    });
    expect(run('version.evaluations.all(e, e.metric != "recall" || e.value >= 0.8)', low).passed).toBe(false);
    expect(run('size(lineage.datasets) > 0 && lineage.datasets.all(d, d.quality_passed)').passed).toBe(true);
  });

  it('reports a missing key as the reason instead of throwing', () => {
    const outcome = run('run.metrics.f1 >= 0.5');
    expect(outcome.passed).toBe(false);
    expect(outcome.error).toMatch(/No such key: f1/);
    expect(outcome.seen['run.metrics.f1']).toMatch(/No such key/);
  });

  it('reads age, tags, approvals and lineage facts', () => {
    expect(run('version.age_days >= 2.0 && version.age_days < 3.0').passed).toBe(true);
    expect(run('now - version.creation_time >= duration("48h")').passed).toBe(true);
    expect(run('"team" in model.tags && approvals.satisfied').passed).toBe(true);
    expect(run('lineage.data_known && lineage.code_known && lineage.environment_known').passed).toBe(true);
    expect(run('"x".matchesPattern("^x$")').passed).toBe(true);
  });

  it('refuses rules that do not compile, with the position of the error', () => {
    expect(() => compileRule('auc', 'run.metrics.auc >=')).toThrow(/Rule 'auc' does not compile at line 1, column 19/);
    expect(() => compileRule('x', 'run.metrics.auc &&\n  foo.bar')).toThrow(/line 2, column 3: Unknown variable: foo/);
    expect(() => compileRule('x', '1 + 2')).toThrow(/must be true or false/);
    expect(() => compileRule('x', '"a".matches("(a+)+$")')).toThrow(/matchesPattern/);
    expect(() => compileRule('x', '')).toThrow(/1-4000 characters/);
    const nested = 'version.checks.all(a, version.checks.all(b, version.checks.all(c, version.checks.all(d, true))))';
    expect(() => compileRule('x', nested)).toThrow(/line 1, column 67: macros may nest at most 3 deep/);
    const threeDeep = 'lineage.datasets.all(d, d.quality_checks.all(q, model.tags.exists(k, k != q.name)))';
    expect(() => compileRule('x', threeDeep)).not.toThrow();
  });

  it('maps offsets to lines and columns', () => {
    expect(positionOf('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('policies and their verdict', () => {
  it('names every failed rule of every policy, with what each saw', () => {
    const policies = [
      {
        name: 'quality',
        version: 2,
        description: null,
        modelId: null,
        model: null,
        builtin: false,
        target: { stage: 'Production' as const },
        rules: [
          { name: 'auc', expression: 'run.metrics.auc >= 0.95', description: null },
          { name: 'negative-results', expression: '"negative_results" in run.tags', description: null },
          { name: 'recall', expression: 'run.metrics.auc > 0.5', description: null },
        ],
        creationTime: 0,
        lastUpdatedTime: 0,
      },
    ];
    const verdict = judge(policies, ctx());
    expect(verdict.passed).toBe(false);
    expect(verdict.failures.map((f) => f.rule)).toEqual(['auc', 'negative-results']);
    expect(verdict.policies).toEqual([
      { name: 'quality', version: 2, builtin: false, passed: false, rules: 3, failed: 2 },
    ]);
  });

  it('built-in rules stop a version whose newest fairness check failed, or that needs revalidation', () => {
    const builtin = builtinPolicies();
    expect(judge(builtin, ctx()).passed).toBe(true);
    const failedFairness = record({ checks: [check('fairness', 'parity', 'sex', false, 5)] });
    expect(judge(builtin, ctx(failedFairness)).failures.map((f) => f.rule)).toEqual(['fairness-checks-passed']);
    const fixedLater = record({
      checks: [check('fairness', 'parity', 'sex', false, 5), check('fairness', 'parity', 'sex', true, 6)],
    });
    expect(judge(builtin, ctx(fixedLater)).passed).toBe(true);
    expect(judge(builtin, ctx(record({ needsRevalidation: true }))).failures.map((f) => f.rule)).toEqual([
      'not-awaiting-revalidation',
    ]);
  });

  it('applies global policies and those of the model, on their target only', () => {
    const p = (modelId: string | null, target: { stage: 'Production' } | { alias: string }) => ({ modelId, target });
    const all = [p(null, { stage: 'Production' }), p('m1', { stage: 'Production' }), p('m2', { stage: 'Production' })];
    expect(policiesFor([...all, p(null, { alias: 'champion' })], 'm1', { stage: 'Production' })).toEqual(
      all.slice(0, 2),
    );
    expect(policiesFor(all, 'm1', { alias: 'champion' })).toEqual([]);
  });

  it('validates names and targets', () => {
    expect(() => validatePolicyName('Prod Gate')).toThrow(/Invalid policy name/);
    expect(() => validatePolicyName('builtin.x')).toThrow(/reserved/);
    expect(parseTarget({ stage: 'production' })).toEqual({ stage: 'Production' });
    expect(parseTarget({ alias: 'champion' })).toEqual({ alias: 'champion' });
    expect(() => parseTarget({})).toThrow(/exactly one/);
  });

  it('reads protected attributes from metadata or a comma-separated tag', () => {
    expect(protectedAttributes({ metadata: {}, tags: [{ key: 'protected_attributes', value: 'sex, age' }] })).toEqual([
      'sex',
      'age',
    ]);
  });
});

describe('properties', () => {
  it('a threshold rule passes exactly when the metric reaches it, and reports the value when not', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        (value, threshold) => {
          const r = record();
          r.run!.metrics = [{ key: 'auc', value, step: 0, timestamp: 0 }];
          const outcome = evaluateRule('t', `run.metrics.auc >= ${threshold.toExponential()}`, ctx(r));
          expect(outcome.passed).toBe(value >= Number(threshold.toExponential()));
          if (!outcome.passed) expect(outcome.seen['run.metrics.auc']).toBe(value);
        },
      ),
    );
  });

  it('the newest result of each check wins, whatever order they were recorded in', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(1000)), { minLength: 1, maxLength: 20 }), (results) => {
        const checks = results.map(([passed, time]) => check('fairness', 'parity', 'sex', passed, time));
        const newest = Math.max(...results.map(([, time]) => time));
        const [kept] = latestChecks(checks);
        expect(latestChecks(checks)).toHaveLength(1);
        expect(kept!.recordedTime).toBe(newest);
        expect(kept!.passed).toBe(results.filter(([, time]) => time === newest).at(-1)![0]);
      }),
    );
  });

  it('a verdict lists exactly the rules that did not pass', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 10 }), (outcomes) => {
        const rules = outcomes.map((pass, i) => ({
          name: `r${i}`,
          expression: pass ? 'true' : 'false',
          description: null,
        }));
        const policy = { ...builtinPolicies()[0]!, builtin: false, rules };
        const verdict = judge([policy], ctx());
        expect(verdict.failures.map((f) => f.rule)).toEqual(rules.filter((_, i) => !outcomes[i]).map((r) => r.name));
        expect(verdict.passed).toBe(outcomes.every(Boolean));
      }),
    );
  });
});
