import { describe, expect, it } from 'vitest';
import type { ModelVersion, RegisteredModel } from '../../api/types.js';
import { facetCounts, matchesFacets } from './model-facets.js';

const model = (name: string, card: Partial<RegisteredModel>): RegisteredModel =>
  ({ name, ownerTeam: null, taskType: null, algorithmFamily: null, regulatoryFlags: [], ...card }) as RegisteredModel;
const version = (name: string, stage: ModelVersion['stage']) => ({ name, stage }) as ModelVersion;

const models = [
  model('fraud', { ownerTeam: 'risk', taskType: 'classification', regulatoryFlags: ['pii', 'sox'] }),
  model('churn', { ownerTeam: 'growth', taskType: 'classification' }),
  model('demand', { ownerTeam: 'growth', taskType: 'regression', regulatoryFlags: ['pii'] }),
];
const versions = new Map([
  ['fraud', [version('fraud', 'Production'), version('fraud', 'Staging')]],
  ['churn', [version('churn', 'None')]],
  ['demand', [version('demand', 'Production')]],
]);

describe('registry facets', () => {
  it('ORs values within a facet and ANDs facets together', () => {
    const selected = { ownerTeam: ['risk', 'growth'], regulatoryFlags: ['pii'] };
    expect(models.filter((m) => matchesFacets(m, versions.get(m.name) ?? [], selected)).map((m) => m.name)).toEqual([
      'fraud',
      'demand',
    ]);
  });

  it("counts each facet's values under the other facets' selections, keeping chosen values listed", () => {
    const counts = facetCounts(models, versions, { ownerTeam: ['growth'] });
    // Within growth: one classifier, one regressor; the team facet itself still offers risk.
    expect(counts.taskType).toEqual([
      { value: 'classification', count: 1 },
      { value: 'regression', count: 1 },
    ]);
    expect(counts.ownerTeam).toEqual([
      { value: 'growth', count: 2 },
      { value: 'risk', count: 1 },
    ]);
    // A model reaches every stage one of its versions is in; 'None' is no stage.
    expect(counts.stage).toEqual([{ value: 'Production', count: 1 }]);
    expect(facetCounts(models, versions, {}).stage).toEqual([
      { value: 'Production', count: 2 },
      { value: 'Staging', count: 1 },
    ]);
    expect(facetCounts(models, versions, { taskType: ['ranking'] }).taskType).toContainEqual({
      value: 'ranking',
      count: 0,
    });
  });
});
