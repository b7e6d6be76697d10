import { describe, expect, it } from 'vitest';
import { parseExperimentFilter } from '../../../src/domain/search/filter-parser.js';
import { containsPattern, fieldReference, orderByFor, parseColumnId, parseSort, quoteValue } from './columns.js';

describe('columns', () => {
  it('parses column ids named like filter fields', () => {
    expect(parseColumnId('params.lr')).toEqual({ id: 'params.lr', kind: 'params', key: 'lr' });
    expect(parseColumnId('tags.mlflow.source.name')).toMatchObject({ kind: 'tags', key: 'mlflow.source.name' });
    expect(parseColumnId('attributes.status')).toMatchObject({ kind: 'attributes', key: 'status' });
    expect(parseColumnId('attributes.nope')).toBeNull();
    expect(parseColumnId('bogus.x')).toBeNull();
    expect(parseColumnId('params.')).toBeNull();
  });

  it('writes order_by clauses the server understands, quoting awkward keys', () => {
    expect(orderByFor(parseColumnId('metrics.val loss')!, true)).toBe('metrics.`val loss` DESC');
    expect(orderByFor(parseColumnId('attributes.start_time')!, false)).toBe('attributes.start_time ASC');
    expect(orderByFor(parseColumnId('attributes.duration')!, false)).toBeNull();
    expect(fieldReference('params', 'a.b_c')).toBe('params.a.b_c');
  });

  it('reads a sort clause back and quotes filter strings', () => {
    expect(parseSort('metrics.`val loss` DESC')).toEqual({ field: 'metrics.`val loss`', descending: true });
    expect(parseSort('params.lr')).toEqual({ field: 'params.lr', descending: false });
    expect(quoteValue("it's")).toBe("'it''s'");
  });

  it('writes literals and contains-patterns the server reads back exactly', () => {
    const readBack = (literal: string) => {
      const comparison = parseExperimentFilter(`name = ${literal}`).comparisons[0];
      return comparison && 'value' in comparison ? comparison.value : undefined;
    };
    for (const text of ["it's", 'back\\slash', 'trailing\\', "\\'", '50% off_now']) {
      expect(readBack(quoteValue(text))).toBe(text);
    }
    // % and _ typed by a user are escaped so LIKE takes them literally; so is a backslash.
    expect(readBack(containsPattern('50%_a\\b'))).toBe('%50\\%\\_a\\\\b%');
  });
});
