import { describe, expect, it } from 'vitest';
import {
  MODEL_FILTER_SCHEMA,
  parseRegistryFilter,
  parseRegistryOrderBy,
  VERSION_FILTER_SCHEMA,
} from './registry-filter.js';

describe('registry search filters', () => {
  it('parses MLflow registered-model filters', () => {
    expect(parseRegistryFilter("name LIKE 'fraud%' and tags.team = 'risk'", MODEL_FILTER_SCHEMA)).toEqual({
      comparisons: [
        { entity: 'attribute', key: 'name', op: 'LIKE', value: 'fraud%' },
        { entity: 'tag', key: 'team', op: '=', value: 'risk' },
      ],
    });
    expect(() => parseRegistryFilter("run_id = 'x'", MODEL_FILTER_SCHEMA)).toThrow(/unknown attribute 'run_id'/);
  });

  it('parses model-version filters with IN lists and quoted version numbers', () => {
    expect(
      parseRegistryFilter("name='m' AND run_id IN ('a', 'b') AND version_number >= '2'", VERSION_FILTER_SCHEMA),
    ).toEqual({
      comparisons: [
        { entity: 'attribute', key: 'name', op: '=', value: 'm' },
        { entity: 'attribute', key: 'run_id', op: 'IN', value: ['a', 'b'] },
        { entity: 'attribute', key: 'version', op: '>=', value: 2 },
      ],
    });
    expect(() => parseRegistryFilter("name > 'm'", VERSION_FILTER_SCHEMA)).toThrow(/operator '>' is not supported/);
    expect(() => parseRegistryFilter("name = 'm' OR name = 'n'", VERSION_FILTER_SCHEMA)).toThrow(
      /OR is not supported, only AND/,
    );
  });

  it('parses order-by clauses and refuses unknown fields', () => {
    expect(parseRegistryOrderBy(['name DESC', 'last_updated_timestamp'], 'model')).toEqual([
      { entity: 'attribute', key: 'name', ascending: false },
      { entity: 'attribute', key: 'last_updated_time', ascending: true },
    ]);
    expect(() => parseRegistryOrderBy(['owner'], 'version')).toThrow(/version_number/);
  });
});
