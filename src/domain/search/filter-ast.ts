/**
 * The parsed form of MLflow's search filter language. A filter is a conjunction (MLflow has no OR) of comparisons,
 * each naming an entity kind, a key and an operator with its operand. Compilers to SQL live in store/.
 */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export type NullOperator = 'IS NULL' | 'IS NOT NULL';

export interface ValueComparison {
  entity: FilterEntity;
  key: string;
  op: ComparisonOperator;
  /** number for numeric comparisons on metrics and numeric attributes; string[] for IN / NOT IN. */
  value: number | string | string[];
}

export interface NullComparison {
  entity: FilterEntity;
  key: string;
  op: NullOperator;
}

export type Comparison = ValueComparison | NullComparison;

export interface Filter {
  comparisons: Comparison[];
}

export interface OrderByClause {
  entity: FilterEntity;
  key: string;
  ascending: boolean;
}
