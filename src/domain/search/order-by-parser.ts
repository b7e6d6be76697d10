import type { FilterEntity, OrderByClause } from './filter-ast.js';
import { parseIdentifier } from './filter-identifier.js';
import { syntaxError } from './filter-tokenizer.js';
import { TokenCursor } from './token-cursor.js';

/** What a search target can be sorted by: entities with free-form keys, plus attributes (spelling → canonical). */
interface OrderByTarget {
  plural: string;
  anyKey: readonly FilterEntity[];
  attributes: ReadonlyMap<string, string>;
}

const TARGETS: Record<'run' | 'experiment', OrderByTarget> = {
  run: {
    plural: 'runs',
    anyKey: ['metric', 'param', 'tag'],
    attributes: new Map([
      ['start_time', 'start_time'],
      ['created', 'start_time'],
      ['end_time', 'end_time'],
      ['status', 'status'],
      ['run_name', 'run_name'],
      ['runName', 'run_name'],
      ['user_id', 'user_id'],
      ['run_id', 'run_id'],
      ['artifact_uri', 'artifact_uri'],
    ]),
  },
  experiment: {
    plural: 'experiments',
    anyKey: [],
    attributes: new Map([
      ['name', 'name'],
      ['creation_time', 'creation_time'],
      ['last_update_time', 'last_update_time'],
      ['experiment_id', 'experiment_id'],
    ]),
  },
};

/** Parses MLflow order_by clauses such as `metrics.acc DESC` or `` tags.`a b` ``; ascending unless DESC is given. */
export function parseOrderBy(clauses: string[] | undefined, kind: 'run' | 'experiment'): OrderByClause[] {
  return (clauses ?? []).map((clause) => parseClause(clause, TARGETS[kind]));
}

function parseClause(clause: string, target: OrderByTarget): OrderByClause {
  const cursor = new TokenCursor({ text: clause, label: 'order_by clause' });
  const identifier = parseIdentifier(cursor);
  const { entity, raw, start } = identifier;
  let key = identifier.key;
  if (entity === 'attribute') {
    const canonical = target.attributes.get(key);
    if (canonical === undefined) {
      const allowed = [...target.attributes.keys()].join(', ');
      throw syntaxError(cursor.source, `cannot order ${target.plural} by attribute '${key}'`, start, {
        hint: `allowed attributes: ${allowed}`,
      });
    }
    key = canonical;
  } else if (!target.anyKey.includes(entity)) {
    throw syntaxError(cursor.source, `cannot order ${target.plural} by ${entity} '${raw}'`, start);
  }

  let ascending = true;
  if (cursor.acceptKeyword('DESC')) ascending = false;
  else if (!cursor.acceptKeyword('ASC') && !cursor.atEnd()) {
    throw cursor.errorAt(cursor.peek(), 'expected ASC, DESC or the end of the clause');
  }
  if (!cursor.atEnd()) throw cursor.errorAt(cursor.peek(), 'expected the end of the clause after the sort direction');
  return { entity, key, ascending };
}
