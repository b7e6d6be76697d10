import { describe, expect, it } from 'vitest';
import { graphOf, node, step } from './fixtures.test-support.js';
import { lineageStory, listOf, plainName } from './lineage-story.js';

const raw = node('dataset_version:raw', 'crm/raw_customers@1', {
  namespace: 'crm',
  name: 'raw_customers',
  version: '1',
});
const job = node('run:job', 'clean_customers', { job: 'etl/clean_customers' });
const customers = node('dataset_version:c3', 'crm/customers@3', { namespace: 'crm', name: 'customers', version: '3' });
const train = node('run:train', 'train-v1', { experimentId: '1' });
const env = node('environment:sha256:e', 'python 3.12 on linux');
const model = node('model_version:m/1', 'fraud v1', { modelId: 'm', modelName: 'fraud' });
const deployment = node('deployment:d', 'fraud v1 → prod-eu', { targetName: 'prod-eu' });

const chain = graphOf(
  [raw, job, customers, train, env, model, deployment],
  [
    step(raw.id, 'consumed', job.id),
    step(job.id, 'produced', customers.id),
    step(customers.id, 'consumed', train.id),
    step(train.id, 'produced', model.id),
    step(env.id, 'depends_on', model.id),
    step(model.id, 'deployed_to', deployment.id),
  ],
);

describe('plainName', () => {
  it('names nodes as a reader would', () => {
    expect(plainName(customers)).toBe('customers v3');
    expect(plainName(node('dataset_version:x', 'x', { name: 'x', version: '2024-01' }))).toBe('x (version 2024-01)');
    expect(plainName(job)).toBe('job clean_customers');
    expect(plainName(train)).toBe('run train-v1');
    expect(plainName(model)).toBe('model fraud v1');
  });
});

describe('listOf', () => {
  it('joins names in prose and counts what it leaves out', () => {
    expect(listOf(['a'])).toBe('a');
    expect(listOf(['a', 'b'])).toBe('a and b');
    expect(listOf(['a', 'b', 'c', 'd'])).toBe('a, b, c and d');
    expect(listOf(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
  });
});

describe('lineageStory', () => {
  it('tells a model version’s origin as one chain back to the raw data, then where it went', () => {
    const story = lineageStory(chain, model.id);
    expect(story[0]).toBe(
      'This model version (fraud v1) was trained by run train-v1 and runs in environment python 3.12 on linux.',
    );
    expect(story[1]).toBe(
      'Run train-v1 used customers v3, which was produced by job clean_customers, which used raw_customers v1.',
    );
    expect(story).toContain('It is deployed as deployment fraud v1 → prod-eu.');
    expect(story.at(-1)).toBe('In this view it has 5 upstream items and 1 downstream item.');
  });

  it('follows a single line of descent in one sentence', () => {
    const story = lineageStory(chain, train.id);
    expect(story[0]).toBe(
      'This run (train-v1) used customers v3, which was produced by job clean_customers, which used raw_customers v1.',
    );
    expect(story[1]).toBe('It produced model fraud v1.');
  });

  it('says so when the view holds no origin, and is empty for a node it does not hold', () => {
    expect(lineageStory(chain, raw.id)[0]).toBe(
      'This dataset version (crm/raw_customers@1) has no recorded origin in this view.',
    );
    expect(lineageStory(chain, 'run:absent')).toEqual([]);
  });

  it('stops at the sentence limit', () => {
    const features = Array.from({ length: 30 }, (_, i) => node(`feature_version:f${i}`, `f${i}@1`));
    const sources = features.map((_, i) => node(`dataset_version:s${i}`, `s${i}`, { name: `s${i}` }));
    const wide = graphOf(
      [model, ...features, ...sources],
      [
        ...features.map((f) => step(f.id, 'depends_on', model.id)),
        ...features.map((f, i) => step(sources[i]!.id, 'derived_from', f.id)),
      ],
    );
    const story = lineageStory(wide, model.id, 5);
    expect(story[0]).toBe('This model version (fraud v1) uses feature f0@1, feature f1@1, feature f2@1 and 27 more.');
    expect(story[1]).toBe('Feature f0@1 is computed from s0.');
    expect(story).toHaveLength(6);
    expect(story[5]).toBe('In this view it has 60 upstream items and 0 downstream items.');
  });
});
