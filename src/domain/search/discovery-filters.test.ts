import { describe, expect, it } from 'vitest';
import { LATENCY_BUDGET_KEY, parseDiscoveryFilters, parseDiscoveryTypes } from './discovery-filters.js';

describe('discovery filters', () => {
  it('reads term, tag, time and numeric range facets', () => {
    expect(
      parseDiscoveryFilters([
        'stage=Production',
        'tag.team=risk=high',
        'created=2026-01-01..',
        'metric.auc=0.85..0.95',
        'latency_budget_ms=..100',
      ]),
    ).toEqual([
      { kind: 'term', facet: 'stage', value: 'Production' },
      { kind: 'term', facet: 'tag', value: 'team=risk=high' },
      { kind: 'time', field: 'created_time', min: Date.parse('2026-01-01') },
      { kind: 'number', key: 'auc', min: 0.85, max: 0.95 },
      { kind: 'number', key: LATENCY_BUDGET_KEY, max: 100 },
    ]);
  });

  it('refuses what does not parse, naming it', () => {
    for (const [facet, named] of [
      ['stage', "'stage'"],
      ['colour=red', "'colour'"],
      ['metric.auc=high', 'metric.auc=high'],
      ['metric.auc=high..1', "'high'"],
      ['metric.auc=0.9..0.1', 'metric.auc=0.9..0.1'],
      ['created=yesterday..', "'yesterday'"],
      ['metric.auc=..', 'metric.auc=..'],
      ['tag.=x', 'tag.=x'],
    ] as const) {
      expect(() => parseDiscoveryFilters([facet])).toThrow(named);
    }
    expect(() => parseDiscoveryTypes(['model', 'widget'])).toThrow("'widget'");
  });
});
