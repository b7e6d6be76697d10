import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../api/types.js';
import { hitPath } from './hit-path.js';

const hit = (type: SearchHit['type'], id: string, name: string, summary: Record<string, unknown> = {}): SearchHit => ({
  type,
  id,
  name,
  summary,
  stage: null,
  score: 1,
  createdTime: 0,
  updatedTime: 0,
  highlights: [],
});

describe('the page a search result opens', () => {
  it('links registry, tracking and lineage entities to their pages, names encoded', () => {
    expect(hitPath(hit('model', 'm1', 'fraud/detector'))).toBe('/models/fraud%2Fdetector');
    expect(hitPath(hit('model_version', 'm1/2', 'fraud v2', { model: 'fraud', version: 2 }))).toBe(
      '/models/fraud/versions/2',
    );
    expect(hitPath(hit('experiment', '17', 'exp'))).toBe('/experiments/17');
    expect(hitPath(hit('run', 'r1', 'run', { experimentId: '17' }))).toBe('/experiments/17/runs/r1');
    expect(hitPath(hit('dataset', 'd1', 'transactions', { namespace: 's3://bucket' }))).toBe(
      `/lineage?node=${encodeURIComponent('dataset:s3://bucket:transactions')}`,
    );
    expect(hitPath(hit('dataset_version', 'dv1', 'transactions@v1'))).toBe('/lineage?node=dataset_version%3Adv1');
    expect(hitPath(hit('feature', 'f1', 'age', { versions: ['1', '2'] }))).toBe(
      `/lineage?node=${encodeURIComponent('feature_version:age@2')}`,
    );
    expect(hitPath(hit('deployment', 'dep1', 'fraud v1 on prod'))).toBe('/lineage?node=deployment%3Adep1');
  });

  it('gives no link when the result lacks what its page needs', () => {
    expect(hitPath(hit('run', 'r1', 'run'))).toBeNull();
    expect(hitPath(hit('model_version', 'm1/2', 'fraud v2'))).toBeNull();
    expect(hitPath(hit('feature', 'f1', 'age', { versions: [] }))).toBeNull();
  });
});
